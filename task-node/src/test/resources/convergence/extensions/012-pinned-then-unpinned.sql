-- A pin is removed (the installed version stays acceptable).
-- before
CREATE EXTENSION IF NOT EXISTS seg WITH SCHEMA public VERSION '1.4';
CREATE TABLE docs (id integer PRIMARY KEY, body text);
-- after
CREATE EXTENSION IF NOT EXISTS seg WITH SCHEMA public;
CREATE TABLE docs (id integer PRIMARY KEY, body text);
