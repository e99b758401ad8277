-- A domain over varchar(n) whose length grows.
-- before
CREATE DOMAIN short_text AS varchar(20);
CREATE TABLE notes (id integer PRIMARY KEY, t short_text);
-- after
CREATE DOMAIN short_text AS varchar(40);
CREATE TABLE notes (id integer PRIMARY KEY, t short_text);
