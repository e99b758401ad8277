-- text becomes text[].
-- before
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, note varchar(40));
-- after
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, note varchar(40)[]);
