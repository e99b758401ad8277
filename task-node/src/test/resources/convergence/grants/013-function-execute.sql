-- EXECUTE on a function, revoked from PUBLIC.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE FUNCTION price_of(i integer) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT price FROM items WHERE id = i $$;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE FUNCTION price_of(i integer) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT price FROM items WHERE id = i $$;
REVOKE EXECUTE ON FUNCTION price_of(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION price_of(integer) TO tncor_app;
