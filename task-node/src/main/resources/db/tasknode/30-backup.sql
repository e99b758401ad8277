-- Backups: the restore journal and the kept replaced copies. Both live on EVERY cluster (ClusterRegistry's
-- PER_CLUSTER_STORE_SCRIPTS): each row commits in the same transaction as the rename of the schema it describes, and a
-- transaction cannot span servers. The restore journal. A row exists exactly while a schema is being replaced: it is inserted in the
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

-- Replaced copies kept as the way back of a restore (restore_database with safety_backup, the default): the live
-- schema a restore replaced, renamed _replaced_<schema>_<hex> in the transaction that finished the restore (so a crash
-- never loses it), listed by list_backups, dropped by prune_backups once keep_until has passed.
CREATE TABLE IF NOT EXISTS {schema}.backup_replaced (
    kept_name   text PRIMARY KEY,          -- the copy: rename it back to schema_name to undo the restore
    schema_name text        NOT NULL,
    backup_id   text        NOT NULL,      -- the backup whose restore replaced it
    task_id     text,
    replaced_at timestamptz NOT NULL DEFAULT now(),
    keep_until  timestamptz NOT NULL,
    -- its foreign keys into other schemas (shared), dropped from the copy so that it neither blocks nor follows
    -- changes there; run these after renaming it back
    foreign_keys text[]     NOT NULL DEFAULT '{}'
);
