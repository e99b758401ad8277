-- Columns of less common types are added.
-- before
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, note varchar(40));
-- after
CREATE TABLE accounts (id integer PRIMARY KEY, email text, score integer, note varchar(40), span interval, price money, ip inet, mac macaddr, r int4range);
