-- A sequence used by a default, granted and commented, changes options.
-- before
CREATE SEQUENCE n;
CREATE TABLE t (id integer PRIMARY KEY, no bigint DEFAULT nextval('n'));
-- after
CREATE SEQUENCE n INCREMENT BY 10;
CREATE TABLE t (id integer PRIMARY KEY, no bigint DEFAULT nextval('n'));
GRANT USAGE ON SEQUENCE n TO tncor_app;
COMMENT ON SEQUENCE n IS 'ticket numbers';
