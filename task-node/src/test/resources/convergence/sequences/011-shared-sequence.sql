-- A sequence in the shared schema used by a project default.
-- shared
CREATE SEQUENCE global_ids;
-- before
CREATE TABLE docs (id integer PRIMARY KEY, n integer);
-- after
CREATE TABLE docs (id integer PRIMARY KEY, n bigint DEFAULT nextval('{shared}.global_ids'));
