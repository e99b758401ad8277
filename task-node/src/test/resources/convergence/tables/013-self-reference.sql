-- A new table referencing itself.
-- expect: safe
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE folders (id integer PRIMARY KEY, parent_id integer REFERENCES folders (id) ON DELETE CASCADE, name text NOT NULL);
