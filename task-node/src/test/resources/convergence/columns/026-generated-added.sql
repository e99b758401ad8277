-- A stored generated column is added.
-- expect: locking
-- before
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, note varchar(40));
-- data
INSERT INTO accounts VALUES (1, 'a@x', 3, 'hi'), (2, 'b@x', 5, 'yo');
-- after
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, note varchar(40), score2 integer GENERATED ALWAYS AS (score * 2) STORED);
