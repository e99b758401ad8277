-- An exclusion constraint over a range.
-- before
CREATE TABLE bookings (id integer PRIMARY KEY, room integer, during tstzrange);
-- after
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
CREATE TABLE bookings (id integer PRIMARY KEY, room integer, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));
