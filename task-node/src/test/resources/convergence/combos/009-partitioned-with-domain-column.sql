-- A partitioned table with a domain column and a composite column.
-- before

-- after
CREATE DOMAIN amount AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TYPE geo AS (lat double precision, lon double precision);
CREATE TABLE readings (id bigint NOT NULL, at date NOT NULL, a amount, g geo) PARTITION BY RANGE (at);
CREATE TABLE readings_2025 PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
