-- A SECURITY DEFINER procedure with SET.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE PROCEDURE archive(before_ts timestamptz) LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema} AS $$
BEGIN
  DELETE FROM items WHERE updated_at < before_ts;
END;
$$;
