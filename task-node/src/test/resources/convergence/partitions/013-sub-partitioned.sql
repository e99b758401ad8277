-- A partition that is itself partitioned.
-- before
CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, v numeric) PARTITION BY RANGE (at);
-- after
CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, v numeric) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (id);
CREATE TABLE measurements_2024_a PARTITION OF measurements_2024 FOR VALUES IN (1, 2, 3);
