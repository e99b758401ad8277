-- timestamp becomes timestamptz.
-- before
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, at timestamp);
-- after
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, at timestamptz);
