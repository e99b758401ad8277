-- A foreign key into the shared schema goes away.
-- expect: destructive
-- shared
CREATE TABLE orgs (id integer PRIMARY KEY, name text);
-- before
CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer REFERENCES {shared}.orgs (id), title text, price numeric(10,2), status varchar(20));
-- after
CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer, title text, price numeric(10,2), status varchar(20));
