-- Row-level security is enabled.
-- expect: safe
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
