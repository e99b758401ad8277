-- A GiST index on a range.
-- expect: safe
-- before
CREATE TABLE slots (id integer PRIMARY KEY, during tstzrange);
-- after
CREATE TABLE slots (id integer PRIMARY KEY, during tstzrange);
CREATE INDEX slots_during_gist ON slots USING gist (during);
