-- A deferred constraint trigger.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE TABLE item_log (at timestamptz DEFAULT now(), what text);
CREATE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO item_log (what) VALUES (TG_OP);
  RETURN NULL;
END;
$$;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE TABLE item_log (at timestamptz DEFAULT now(), what text);
CREATE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO item_log (what) VALUES (TG_OP);
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER items_check AFTER INSERT OR UPDATE ON items DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_change();
