-- A composite type gains an attribute.
-- before
CREATE TYPE address AS (street text, city text, zip varchar(10));
CREATE TABLE customers (id integer PRIMARY KEY, home address);
-- after
CREATE TYPE address AS (street text, city text, zip varchar(10), country char(2));
CREATE TABLE customers (id integer PRIMARY KEY, home address);
