-- A shared column changes type while a project view reads only other columns of the table: nothing stands in the
-- way (only dependents of the changed column count), so it converges.
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, org_id integer);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, org_id bigint);
-- before
CREATE VIEW emails AS SELECT id, email FROM {shared}.users;
-- after
CREATE VIEW emails AS SELECT id, email FROM {shared}.users;
