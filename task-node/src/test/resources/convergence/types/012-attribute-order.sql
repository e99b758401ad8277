-- Attributes in another order (re-create).
-- before
CREATE TYPE address AS (street text, city text, zip varchar(10));
-- after
CREATE TYPE address AS (zip varchar(10), street text, city text);
