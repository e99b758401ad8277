-- A materialized view joins a shared table.
-- shared
CREATE TABLE regions (code text PRIMARY KEY, label text NOT NULL);
-- before
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
-- after
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
CREATE MATERIALIZED VIEW named_sales AS SELECT s.id, r.label FROM sales s JOIN {shared}.regions r ON r.code = s.region;
