-- An index added in the shared schema.
-- expect: safe
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY, email text);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE INDEX users_email_idx ON users (lower(email));
-- before
CREATE TABLE x (id integer PRIMARY KEY);
-- after
CREATE TABLE x (id integer PRIMARY KEY);
