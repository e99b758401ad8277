-- A view in the shared schema.
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, deleted boolean DEFAULT false);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, deleted boolean DEFAULT false);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE NOT deleted;
-- before
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
-- data
INSERT INTO orders VALUES (1, 'c', 10, now(), 'open');
-- after
CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
