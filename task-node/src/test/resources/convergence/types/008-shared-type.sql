-- A project column of a composite type from the shared schema.
-- shared
CREATE TYPE address AS (street text, city text, zip varchar(10));
-- before
CREATE TABLE customers (id integer PRIMARY KEY);
-- after
CREATE TABLE customers (id integer PRIMARY KEY, home {shared}.address);
