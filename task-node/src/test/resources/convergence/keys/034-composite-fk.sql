-- A two-column foreign key.
-- before
CREATE TABLE a (x integer, y integer, PRIMARY KEY (x, y));
CREATE TABLE b (id integer PRIMARY KEY, x integer, y integer);
-- after
CREATE TABLE a (x integer, y integer, PRIMARY KEY (x, y));
CREATE TABLE b (id integer PRIMARY KEY, x integer, y integer, FOREIGN KEY (x, y) REFERENCES a (x, y) MATCH FULL);
