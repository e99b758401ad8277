-- A shared column that a project view reads is dropped, and the project model drops the view: the shared schema
-- migrates first, so this apply refuses the shared change set, naming the view, while the project drops it; the
-- next apply then drops the column (docs/schema-engine.md, 'Order of statements').
-- unplannable: changes or drops column shared.users.nick, which 1 object(s) in 1 other schema(s) depend on: view p_1.nicks
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, nick text);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- before
CREATE VIEW nicks AS SELECT id, nick FROM {shared}.users;
-- after
