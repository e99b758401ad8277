-- A trigger with a transition table.
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
CREATE FUNCTION log_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO item_log (what) SELECT 'new ' || n.id FROM new_rows n;
  RETURN NULL;
END;
$$;
CREATE TRIGGER items_rows AFTER INSERT ON items REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_rows();
