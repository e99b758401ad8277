-- The shared schema gets a table; the project is unchanged.
-- expect: safe
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE plans (code text PRIMARY KEY, seats integer NOT NULL);
-- before
CREATE TABLE items (id integer PRIMARY KEY);
-- after
CREATE TABLE items (id integer PRIMARY KEY);
