-- A partitioned project table with a foreign key into the shared schema.
-- shared
CREATE TABLE users (id bigint PRIMARY KEY);
-- before

-- after
CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, v numeric, user_id bigint REFERENCES {shared}.users (id)) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
