-- btree_gist for an exclusion constraint.
-- before
CREATE TABLE rooms (id integer PRIMARY KEY, room integer, during daterange);
-- after
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
CREATE TABLE rooms (id integer PRIMARY KEY, room integer, during daterange, EXCLUDE USING gist (room WITH =, during WITH &&));
