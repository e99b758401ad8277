-- A function returns a composite type.
-- before
CREATE TYPE address AS (street text, city text, zip varchar(10));
-- after
CREATE TYPE address AS (street text, city text, zip varchar(10));
CREATE FUNCTION here() RETURNS address LANGUAGE sql IMMUTABLE AS $$ SELECT ROW('Main St', 'Springfield', '12345')::address $$;
