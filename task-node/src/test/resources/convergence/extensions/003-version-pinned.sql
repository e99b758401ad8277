-- A pinned extension version.
-- before
CREATE TABLE docs (id integer PRIMARY KEY, body text);
-- after
CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public VERSION '1.7';
CREATE TABLE docs (id integer PRIMARY KEY, body text);
