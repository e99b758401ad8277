-- The shared schema loses a table no project references.
-- expect: destructive
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE old_audit (id bigint, what text);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY);
-- before
CREATE TABLE items (id integer PRIMARY KEY);
-- after
CREATE TABLE items (id integer PRIMARY KEY);
