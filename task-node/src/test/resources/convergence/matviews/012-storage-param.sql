-- A materialized view with fillfactor.
-- before
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
-- after
CREATE TABLE sales (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at date);
CREATE MATERIALIZED VIEW sales_copy WITH (fillfactor = 80) AS SELECT * FROM sales;
