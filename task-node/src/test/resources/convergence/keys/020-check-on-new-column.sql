-- A check on a column the same plan adds.
-- before
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer, title text, status varchar(20));
-- data
INSERT INTO projects VALUES (1, 'A', NULL);
-- after
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer, title text, price numeric(10,2) CHECK (price > 0), status varchar(20));
