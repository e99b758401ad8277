-- char(2) becomes char(3).
-- before
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, cc char(2));
-- after
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, cc char(3));
