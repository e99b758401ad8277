-- The shared schema uses an extension type.
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY);
-- shared after
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE TABLE users (id bigint PRIMARY KEY, email public.citext);
-- before
CREATE TABLE docs (id integer PRIMARY KEY, body text);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, body text);
