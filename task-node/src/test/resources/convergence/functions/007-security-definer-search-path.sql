-- SECURITY DEFINER with SET search_path.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
CREATE FUNCTION item_count() RETURNS bigint LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM items;
  RETURN n;
END;
$$;
