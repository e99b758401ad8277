-- A unique key that a foreign key and a view depend on is widened.
-- before
CREATE TABLE p (id integer PRIMARY KEY, code text NOT NULL CONSTRAINT p_code_key UNIQUE);
CREATE TABLE c (id integer PRIMARY KEY, code text REFERENCES p (code));
CREATE VIEW pc AS SELECT c.id, p.id AS pid FROM c JOIN p USING (code);
-- after
CREATE TABLE p (id integer PRIMARY KEY, code varchar(40) NOT NULL CONSTRAINT p_code_key UNIQUE);
CREATE TABLE c (id integer PRIMARY KEY, code varchar(40) REFERENCES p (code));
CREATE VIEW pc AS SELECT c.id, p.id AS pid FROM c JOIN p USING (code);
