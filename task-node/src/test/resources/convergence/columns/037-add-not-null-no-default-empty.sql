-- A NOT NULL column without default on an empty table.
-- before
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, note varchar(40));
-- after
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, note varchar(40), tier integer NOT NULL);
