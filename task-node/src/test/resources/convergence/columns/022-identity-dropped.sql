-- An identity column becomes plain.
-- expect: safe
-- before
CREATE TABLE accounts (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text, score integer, note varchar(40));
-- data
INSERT INTO accounts (email, score) VALUES ('a@x', 1);
-- after
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, note varchar(40));
