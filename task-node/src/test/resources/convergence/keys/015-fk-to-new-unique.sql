-- A foreign key to a unique constraint the same plan adds.
-- before
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_code text, title text, price numeric(10,2), status varchar(20));
-- data
INSERT INTO projects VALUES (1, 'A', NULL);
-- after
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL UNIQUE, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_code text REFERENCES projects (code), title text, price numeric(10,2), status varchar(20));
