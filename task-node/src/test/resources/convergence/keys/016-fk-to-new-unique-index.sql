-- A foreign key to a unique index the same plan adds.
-- before
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_code text, title text, price numeric(10,2), status varchar(20));
-- after
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);
CREATE UNIQUE INDEX projects_code_uix ON projects (code);
CREATE TABLE tasks (id integer PRIMARY KEY, project_code text, title text, price numeric(10,2), status varchar(20));
ALTER TABLE tasks ADD CONSTRAINT tasks_code_fk FOREIGN KEY (project_code) REFERENCES projects (code);
