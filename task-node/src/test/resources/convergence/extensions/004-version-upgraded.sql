-- A pinned version moves up.
-- before
CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public VERSION '1.6';
CREATE TABLE docs (id integer PRIMARY KEY, body text);
-- after
CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public VERSION '1.8';
CREATE TABLE docs (id integer PRIMARY KEY, body text);
