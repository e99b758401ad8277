-- A materialized view over a view.
-- before
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
CREATE VIEW eu_sales AS SELECT * FROM sales WHERE region LIKE 'eu-%';
-- after
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
CREATE VIEW eu_sales AS SELECT * FROM sales WHERE region LIKE 'eu-%';
CREATE MATERIALIZED VIEW eu_total AS SELECT sum(amount) AS total FROM eu_sales;
