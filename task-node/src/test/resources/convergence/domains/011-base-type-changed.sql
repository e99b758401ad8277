-- The base type of a domain changes (re-create with its column).
-- before
CREATE DOMAIN qty AS integer CHECK (VALUE >= 0);
CREATE TABLE stock (id integer PRIMARY KEY, q qty);
-- data
INSERT INTO stock VALUES (1, 5);
-- after
CREATE DOMAIN qty AS bigint CHECK (VALUE >= 0);
CREATE TABLE stock (id integer PRIMARY KEY, q qty);
