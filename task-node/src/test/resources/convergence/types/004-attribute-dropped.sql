-- A composite type loses an attribute.
-- before
CREATE TYPE address AS (street text, city text, zip varchar(10));
CREATE TABLE customers (id integer PRIMARY KEY, home address);
-- after
CREATE TYPE address AS (street text, city text);
CREATE TABLE customers (id integer PRIMARY KEY, home address);
