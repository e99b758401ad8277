-- A recursive view.
-- before
CREATE TABLE nodes (id integer PRIMARY KEY, parent integer);
-- after
CREATE TABLE nodes (id integer PRIMARY KEY, parent integer);
CREATE RECURSIVE VIEW tree (id, depth) AS SELECT id, 0 FROM nodes WHERE parent IS NULL UNION ALL SELECT n.id, t.depth + 1 FROM nodes n JOIN tree t ON n.parent = t.id;
