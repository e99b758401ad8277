-- A project partitioned table with a column of a shared domain.
-- shared
CREATE DOMAIN money_amount AS numeric(12,2) CHECK (VALUE >= 0);
-- before

-- after
CREATE TABLE m (id bigint NOT NULL, at date NOT NULL, amount {shared}.money_amount) PARTITION BY RANGE (at);
CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
