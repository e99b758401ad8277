-- A unique key on a column the same plan adds.
-- before
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer, title text, price numeric(10,2));
-- data
INSERT INTO projects VALUES (1, 'A', NULL);
-- after
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer, title text, price numeric(10,2), status varchar(20), slug text UNIQUE);
