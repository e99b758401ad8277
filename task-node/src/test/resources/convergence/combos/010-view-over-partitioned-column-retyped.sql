-- A view over a partitioned table whose column changes type.
-- before
CREATE TABLE m (id bigint NOT NULL, at date NOT NULL, v integer) PARTITION BY RANGE (at);
CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE VIEW mv AS SELECT at, v FROM m;
-- after
CREATE TABLE m (id bigint NOT NULL, at date NOT NULL, v bigint) PARTITION BY RANGE (at);
CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE VIEW mv AS SELECT at, v FROM m;
