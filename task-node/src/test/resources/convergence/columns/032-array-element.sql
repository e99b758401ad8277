-- integer[] becomes bigint[].
-- expect: locking
-- before
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, ids integer[]);
-- after
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, ids bigint[]);
