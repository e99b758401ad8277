-- A materialized view the model no longer has.
-- expect: destructive
-- before
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
-- after
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
