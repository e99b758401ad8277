-- A view reads a materialized view whose query changes.
-- before
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
CREATE VIEW top_regions AS SELECT region FROM sales_by_region WHERE total > 1000;
-- after
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
CREATE MATERIALIZED VIEW sales_by_region AS SELECT region, sum(amount) AS total FROM sales WHERE at IS NOT NULL GROUP BY region;
CREATE VIEW top_regions AS SELECT region FROM sales_by_region WHERE total > 1000;
