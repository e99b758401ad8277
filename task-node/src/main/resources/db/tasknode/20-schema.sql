-- Schema engine: one row per schema a create_tables / apply_migrations run touched (idempotent: runs at each start).
CREATE TABLE IF NOT EXISTS {schema}.schema_history (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    schema_name        text        NOT NULL,
    task_id            text,
    task               text        NOT NULL,
    applied_at         timestamptz NOT NULL DEFAULT now(),
    outcome            text        NOT NULL,
    statements         jsonb       NOT NULL DEFAULT '[]',
    skipped            jsonb       NOT NULL DEFAULT '[]',
    fingerprint_before text,
    fingerprint_after  text,
    matches_model      boolean,
    error              text
);
CREATE INDEX IF NOT EXISTS schema_history_schema_idx ON {schema}.schema_history (schema_name, id DESC);
