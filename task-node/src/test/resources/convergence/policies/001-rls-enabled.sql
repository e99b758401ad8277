-- Row-level security is enabled on an existing table and the model gives it no permissive policy: from then on no
-- role but the owner reads or writes a row of it, so the engine classifies it destructive (access removed), by
-- design (docs/schema-engine.md, 'Row-level security and policies'). With a permissive policy in the model it is safe.
-- expect: destructive
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), updated_at timestamptz);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
