-- A shared partitioned audit table gains a row trigger.
-- shared before
CREATE TABLE audit (at timestamptz NOT NULL, what text) PARTITION BY RANGE (at);
CREATE TABLE audit_2025 PARTITION OF audit FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- shared after
CREATE TABLE audit (at timestamptz NOT NULL, what text) PARTITION BY RANGE (at);
CREATE TABLE audit_2025 PARTITION OF audit FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER audit_guard BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_guard();
-- before
CREATE TABLE x (id integer PRIMARY KEY);
-- after
CREATE TABLE x (id integer PRIMARY KEY);
