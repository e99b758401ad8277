-- text becomes jsonb (USING cast).
-- before
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, meta text);
-- data
INSERT INTO accounts VALUES (1, 'a', 1, '{}');
-- after
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, meta jsonb);
