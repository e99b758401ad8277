-- A varchar domain with an IN-list check that the model keeps: nothing to do, and nothing rebuilt for ever.
-- before
CREATE DOMAIN state AS varchar(10) CHECK (VALUE IN ('on', 'off'));
CREATE TABLE lamps (id integer PRIMARY KEY, s state);
-- after
CREATE DOMAIN state AS varchar(10) CHECK (VALUE IN ('on', 'off'));
CREATE TABLE lamps (id integer PRIMARY KEY, s state);
