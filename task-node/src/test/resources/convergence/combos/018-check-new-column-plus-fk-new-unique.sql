-- A check on a new column, and a foreign key to a unique key added in the same plan.
-- before
CREATE TABLE p (id integer PRIMARY KEY, code text NOT NULL);
CREATE TABLE c (id integer PRIMARY KEY, p_code text);
-- data
INSERT INTO p VALUES (1, 'x'); INSERT INTO c VALUES (1, 'x');
-- after
CREATE TABLE p (id integer PRIMARY KEY, code text NOT NULL UNIQUE, price numeric CHECK (price > 0));
CREATE TABLE c (id integer PRIMARY KEY, p_code text REFERENCES p (code));
