-- A shared table and a project table use an extension type the same run installs.
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY);
-- shared after
CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;
CREATE TABLE users (id bigint PRIMARY KEY, attrs public.hstore);
-- before
CREATE TABLE docs (id integer PRIMARY KEY);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, attrs public.hstore);
