-- Every table is replaced by a different one.
-- expect: safe,destructive
-- before
CREATE TABLE v1_items (id integer PRIMARY KEY, name text);
-- after
CREATE TABLE v2_items (id uuid PRIMARY KEY, name text);
