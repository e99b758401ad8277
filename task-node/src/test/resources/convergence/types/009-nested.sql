-- A composite type with an attribute of another composite type.
-- before
CREATE TYPE address AS (street text, city text, zip varchar(10));
-- after
CREATE TYPE address AS (street text, city text, zip varchar(10));
CREATE TYPE contact AS (name text, addr address, phones text[]);
