-- A domain check with an IN list.
-- before
CREATE DOMAIN state AS varchar(10);
-- after
CREATE DOMAIN state AS varchar(10) CHECK (VALUE IN ('new', 'done'));
