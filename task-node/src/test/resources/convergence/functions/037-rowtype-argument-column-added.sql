-- A function taking a table's row type (plpgsql and SQL-standard) while the table gains and loses columns.
-- before
CREATE TABLE tasks (id bigint PRIMARY KEY, title text NOT NULL, old_flag boolean);
CREATE FUNCTION title_of(t tasks) RETURNS text LANGUAGE sql IMMUTABLE RETURN upper(t.title);
CREATE FUNCTION id_of(t tasks) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN t.id; END $$;
-- after
-- expect: destructive,safe
CREATE TABLE tasks (id bigint PRIMARY KEY, title text NOT NULL, due date);
CREATE FUNCTION title_of(t tasks) RETURNS text LANGUAGE sql IMMUTABLE RETURN upper(t.title);
CREATE FUNCTION id_of(t tasks) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN t.id; END $$;
