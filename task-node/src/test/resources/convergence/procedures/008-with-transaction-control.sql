-- A procedure that commits.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE PROCEDURE batch() LANGUAGE plpgsql AS $$
BEGIN
  UPDATE items SET updated_at = now();
  COMMIT;
END;
$$;
