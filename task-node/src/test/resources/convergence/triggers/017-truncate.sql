-- A TRUNCATE trigger.
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
CREATE TRIGGER items_truncate AFTER TRUNCATE ON items FOR EACH STATEMENT EXECUTE FUNCTION log_change();
