-- A project table with the name of a shared table.
-- expect: safe
-- shared
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
-- before

-- after
CREATE TABLE users (id integer PRIMARY KEY, nick text);
