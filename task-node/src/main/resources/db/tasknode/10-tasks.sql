-- The node's own records. {schema} is tasknode.store-schema. Every statement is idempotent: the file runs at
-- each start. Feature files (20-*, 30-*) add their own tables the same way.
CREATE SCHEMA IF NOT EXISTS {schema};

CREATE TABLE IF NOT EXISTS {schema}.task_run (
    task_id          text PRIMARY KEY,
    node             text        NOT NULL,
    task             text        NOT NULL,
    params           jsonb       NOT NULL DEFAULT '{}',
    status           text        NOT NULL,
    requested_by     text,
    instance_id      text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    deadline         timestamptz,
    summary          text,
    result           jsonb,
    error            jsonb,
    last_seq         bigint      NOT NULL DEFAULT 0,
    cancel_requested boolean     NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS task_run_created_idx ON {schema}.task_run (node, created_at DESC);
CREATE INDEX IF NOT EXISTS task_run_active_idx ON {schema}.task_run (status) WHERE status IN ('accepted', 'running');

CREATE TABLE IF NOT EXISTS {schema}.task_event (
    task_id  text        NOT NULL REFERENCES {schema}.task_run (task_id) ON DELETE CASCADE,
    seq      bigint      NOT NULL,
    ts       timestamptz NOT NULL,
    kind     text        NOT NULL,
    level    text,
    message  text,
    done     bigint,
    total    bigint,
    PRIMARY KEY (task_id, seq)
);

-- one row per running process; the advisory lock (class 'tkn0', key) is held for the process's life, so a
-- task whose instance no longer holds its lock was cut off (kill -9, crash) and is marked interrupted.
CREATE TABLE IF NOT EXISTS {schema}.node_instance (
    instance_id text PRIMARY KEY,
    node        text        NOT NULL,
    lock_key    integer     NOT NULL,
    host        text,
    started_at  timestamptz NOT NULL DEFAULT now()
);
