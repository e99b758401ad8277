-- A foreign key into a shared unique key that the shared schema gains in the same run.
-- shared before
CREATE TABLE orgs (id integer PRIMARY KEY, code text NOT NULL);
-- shared after
CREATE TABLE orgs (id integer PRIMARY KEY, code text NOT NULL UNIQUE);
-- before
CREATE TABLE tasks (id integer PRIMARY KEY, org_code text, title text, price numeric(10,2), status varchar(20));
-- after
CREATE TABLE tasks (id integer PRIMARY KEY, org_code text REFERENCES {shared}.orgs (code), title text, price numeric(10,2), status varchar(20));
