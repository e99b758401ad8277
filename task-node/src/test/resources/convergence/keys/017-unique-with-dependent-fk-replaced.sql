-- A unique key that a foreign key uses is replaced by a wider one.
-- before
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL CONSTRAINT projects_code_key UNIQUE, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_code text REFERENCES projects (code), title text, price numeric(10,2), status varchar(20));
-- after
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, CONSTRAINT projects_code_key UNIQUE (code, id), owner_id bigint, CONSTRAINT projects_code_only UNIQUE (code));CREATE TABLE tasks (id integer PRIMARY KEY, project_code text REFERENCES projects (code), title text, price numeric(10,2), status varchar(20));
