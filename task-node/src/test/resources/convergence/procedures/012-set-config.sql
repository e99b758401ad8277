-- A procedure with SET work_mem.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE PROCEDURE archive(before_ts timestamptz) LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM items WHERE updated_at < before_ts;
END;
$$;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE PROCEDURE archive(before_ts timestamptz) LANGUAGE plpgsql SET work_mem = '64MB' AS $$
BEGIN
  DELETE FROM items WHERE updated_at < before_ts;
END;
$$;
