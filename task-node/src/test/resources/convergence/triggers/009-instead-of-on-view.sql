-- An INSTEAD OF trigger on a view.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE VIEW item_names AS SELECT id, name FROM items;
CREATE FUNCTION item_names_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO items (id, name) VALUES (NEW.id, NEW.name);
  RETURN NEW;
END;
$$;
CREATE TRIGGER item_names_ins INSTEAD OF INSERT ON item_names FOR EACH ROW EXECUTE FUNCTION item_names_ins();
