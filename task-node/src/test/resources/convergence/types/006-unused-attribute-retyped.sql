-- An attribute of a type no column uses changes type.
-- before
CREATE TYPE address AS (street text, city text, zip varchar(10));
-- after
CREATE TYPE address AS (street text, city varchar(80), zip varchar(10));
