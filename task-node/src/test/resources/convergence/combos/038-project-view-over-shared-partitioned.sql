-- A project view reads a partitioned table of the shared schema.
-- shared
CREATE TABLE audit (at timestamptz NOT NULL, what text) PARTITION BY RANGE (at);
CREATE TABLE audit_2025 PARTITION OF audit FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- before

-- after
CREATE VIEW my_audit AS SELECT at, what FROM {shared}.audit WHERE what LIKE 'p_%';
