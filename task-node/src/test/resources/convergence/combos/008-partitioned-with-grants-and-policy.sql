-- A partitioned table with grants, RLS and a policy.
-- before

-- after
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, owner_id bigint) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_owner ON events USING (owner_id = 1);
GRANT SELECT ON events TO tncor_reader;
