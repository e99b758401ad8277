-- A table holding rows gets a new sibling table referencing it.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
-- data
INSERT INTO items VALUES (1, 'a'), (2, 'b');
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE item_log (id serial PRIMARY KEY, item_id integer NOT NULL REFERENCES items (id), at timestamptz NOT NULL DEFAULT now());
