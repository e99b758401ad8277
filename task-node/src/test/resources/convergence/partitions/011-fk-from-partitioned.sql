-- A foreign key from a partitioned table.
-- before
CREATE TABLE sensors (id bigint PRIMARY KEY);
CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, v numeric, sensor_id bigint) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- after
CREATE TABLE sensors (id bigint PRIMARY KEY);
CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, v numeric, sensor_id bigint REFERENCES sensors (id)) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
