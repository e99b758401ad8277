-- Backups: the restore journal. A row exists exactly while a schema is being replaced: it is inserted in the
-- transaction that moves the live schema aside and deleted in the one that drops the aside copy, so a row found
-- at start-up means a restore was cut off (kill -9, crash) and is rolled back: the aside copy becomes the live
-- schema again. {schema} is tasknode.store-schema. Idempotent: runs at every start.
CREATE SCHEMA IF NOT EXISTS {schema};

CREATE TABLE IF NOT EXISTS {schema}.backup_restore_journal (
    schema_name text PRIMARY KEY,          -- the schema being restored
    aside_name  text,                      -- where its live copy was moved; null when it did not exist
    backup_id   text        NOT NULL,
    task_id     text,
    started_at  timestamptz NOT NULL DEFAULT now()
);
