-- A partitioned table in the shared schema.
-- shared before

-- shared after
CREATE TABLE audit (at timestamptz NOT NULL, what text) PARTITION BY RANGE (at);
CREATE TABLE audit_2025 PARTITION OF audit FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- before

-- after

