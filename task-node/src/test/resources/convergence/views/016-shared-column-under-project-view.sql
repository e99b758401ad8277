-- A shared column that a project view reads changes type.
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(320) NOT NULL);
-- before
CREATE VIEW emails AS SELECT id, email FROM {shared}.users;
-- after
CREATE VIEW emails AS SELECT id, email FROM {shared}.users;
