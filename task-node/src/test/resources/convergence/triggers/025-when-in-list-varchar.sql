-- A trigger whose WHEN condition is a varchar IN-list.
-- before
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20), done_at timestamptz);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.done_at := now(); RETURN NEW; END $$;
-- after
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20), done_at timestamptz);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.done_at := now(); RETURN NEW; END $$;
CREATE TRIGGER tasks_stamp BEFORE UPDATE ON tasks FOR EACH ROW WHEN (NEW.status IN ('done', 'void')) EXECUTE FUNCTION stamp();
