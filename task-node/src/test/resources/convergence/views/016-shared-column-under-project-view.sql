-- A shared column that a project view reads changes type.
-- By design (docs/schema-engine.md, 'Order of statements'): the shared schema migrates first and on its own, so
-- apply refuses the shared change set while project objects depend on what it changes, naming them; nothing changes.
-- unplannable: changes or drops column shared.users.email, which 1 object(s) in 1 other schema(s) depend on: view p_1.emails
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(320) NOT NULL);
-- before
CREATE VIEW emails AS SELECT id, email FROM {shared}.users;
-- after
CREATE VIEW emails AS SELECT id, email FROM {shared}.users;
