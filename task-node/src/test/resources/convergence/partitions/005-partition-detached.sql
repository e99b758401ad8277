-- A partition the model no longer has (detached, destructive).
-- expect: destructive
-- before
CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, v numeric) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- data
INSERT INTO {schema}.measurements VALUES (1, '2024-05-01', 1), (2, '2025-05-01', 2);
-- after
CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, v numeric) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
