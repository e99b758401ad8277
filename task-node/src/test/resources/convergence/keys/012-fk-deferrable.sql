-- A foreign key becomes DEFERRABLE INITIALLY DEFERRED.
-- before
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer REFERENCES projects (id), title text, price numeric(10,2), status varchar(20));
-- data
INSERT INTO projects VALUES (1, 'A', NULL), (2, 'B', NULL); INSERT INTO tasks VALUES (1, 1, 't', 1.5, 'open');
-- after
CREATE TABLE projects (id integer PRIMARY KEY, code text NOT NULL, owner_id bigint);CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer REFERENCES projects (id) DEFERRABLE INITIALLY DEFERRED, title text, price numeric(10,2), status varchar(20));
