-- A procedure is added.
-- expect: safe
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE PROCEDURE archive(before_ts timestamptz) LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM items WHERE updated_at < before_ts;
END;
$$;
