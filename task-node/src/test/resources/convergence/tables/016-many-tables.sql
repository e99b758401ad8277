-- Twelve small tables are created at once.
-- expect: safe
-- before

-- after
CREATE TABLE t00 (id integer PRIMARY KEY, v text);
CREATE TABLE t01 (id integer PRIMARY KEY, v text);
CREATE TABLE t02 (id integer PRIMARY KEY, v text);
CREATE TABLE t03 (id integer PRIMARY KEY, v text);
CREATE TABLE t04 (id integer PRIMARY KEY, v text);
CREATE TABLE t05 (id integer PRIMARY KEY, v text);
CREATE TABLE t06 (id integer PRIMARY KEY, v text);
CREATE TABLE t07 (id integer PRIMARY KEY, v text);
CREATE TABLE t08 (id integer PRIMARY KEY, v text);
CREATE TABLE t09 (id integer PRIMARY KEY, v text);
CREATE TABLE t10 (id integer PRIMARY KEY, v text);
CREATE TABLE t11 (id integer PRIMARY KEY, v text);
