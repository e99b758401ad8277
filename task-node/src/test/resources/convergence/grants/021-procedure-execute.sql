-- EXECUTE on a procedure.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE PROCEDURE wipe() LANGUAGE sql AS $$ DELETE FROM items $$;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), secret text);
CREATE PROCEDURE wipe() LANGUAGE sql AS $$ DELETE FROM items $$;
REVOKE EXECUTE ON PROCEDURE wipe() FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE wipe() TO tncor_admin;
