-- A libc collation from an existing one.
-- before
CREATE TABLE tags (id integer PRIMARY KEY, name text);
-- after
CREATE COLLATION posix_copy FROM "POSIX";
CREATE TABLE tags (id integer PRIMARY KEY, name text);
