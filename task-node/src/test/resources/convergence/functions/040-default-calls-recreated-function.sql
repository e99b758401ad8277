-- A column default calls a function that is re-created (a parameter renamed: CREATE OR REPLACE refuses that): the
-- default is dropped before and set again after it, since PostgreSQL refuses to drop a function a default uses.
-- before
CREATE FUNCTION code_for(prefix text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT prefix || '-' || (random() * 1000)::int $$;
CREATE TABLE tickets (id integer PRIMARY KEY, code text NOT NULL DEFAULT code_for('T'));
-- data
INSERT INTO tickets (id) VALUES (1);
-- after
CREATE FUNCTION code_for(kind text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT kind || '-' || (random() * 1000)::int $$;
CREATE TABLE tickets (id integer PRIMARY KEY, code text NOT NULL DEFAULT code_for('T'));
