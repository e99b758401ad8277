-- The SET search_path of a function changes.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION item_count() RETURNS bigint LANGUAGE plpgsql STABLE SET search_path = {schema} AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM items;
  RETURN n;
END;
$$;
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION item_count() RETURNS bigint LANGUAGE plpgsql STABLE SET search_path = {schema}, public AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM items;
  RETURN n;
END;
$$;
