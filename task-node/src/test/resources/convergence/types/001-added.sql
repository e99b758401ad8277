-- A composite type and a column of it.
-- expect: safe
-- before

-- after
CREATE TYPE address AS (street text, city text, zip varchar(10));
CREATE TABLE customers (id integer PRIMARY KEY, home address);
