-- A project view that joins a shared table.
-- shared
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- before
CREATE TABLE orders (id integer PRIMARY KEY, customer bigint NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
-- after
CREATE TABLE orders (id integer PRIMARY KEY, customer bigint NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now(), state text);
CREATE VIEW orders_with_email AS SELECT o.id, u.email FROM orders o JOIN {shared}.users u ON u.id = o.customer;
