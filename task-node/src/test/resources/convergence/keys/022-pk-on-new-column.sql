-- A primary key on a column the same plan adds (empty table).
-- before
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tags (name text);
-- after
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tags (name text, id integer PRIMARY KEY);
