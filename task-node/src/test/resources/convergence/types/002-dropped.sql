-- A composite type the model no longer has.
-- expect: destructive
-- before
CREATE TYPE address AS (street text, city text, zip varchar(10));
-- after

