-- The node's child processes: on the home cluster only (they are this node's processes, whatever server they reach).
-- {schema} is tasknode.store-schema. Idempotent: runs at every start.
CREATE SCHEMA IF NOT EXISTS {schema};

-- The node's child processes (pg_dump, pg_restore, psql) while they run: a row per child, deleted when it ends.
-- A row of an instance that no longer lives (kill -9) is a child that may still be running: its successor ends
-- it (same host, same pid and start time) and its server sessions (by application_name) before any repair.
CREATE TABLE IF NOT EXISTS {schema}.node_child (
    instance_id  text        NOT NULL,
    host         text        NOT NULL,
    pid          bigint      NOT NULL,
    proc_start   timestamptz,                  -- the OS's start time of the process: a reused pid is not it
    tool         text        NOT NULL,
    app_name     text        NOT NULL,         -- its connections' application_name
    database     text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, pid)
);
