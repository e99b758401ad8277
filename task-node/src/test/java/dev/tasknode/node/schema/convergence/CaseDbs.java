package dev.tasknode.node.schema.convergence;

import dev.tasknode.node.schema.SchemaTestDb;

/**
 * The two databases one worker thread runs its cases in: {@code live} (before state, migrated by the engine) and
 * {@code fresh} (the after state built by running its SQL). Creating two databases per case cost more than the case
 * itself on the shared machine (each copies template1 through the WAL), so a worker keeps its pair and resets it
 * before each case: every extension and every schema but public and the node's own is dropped, the history emptied.
 * Extensions and collations are per database, so cases on other workers never see each other's.
 */
final class CaseDbs implements AutoCloseable {
    private static final String RESET = """
            DO $$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
                EXECUTE format('DROP EXTENSION %I CASCADE', r.extname);
              END LOOP;
              FOR r IN SELECT nspname FROM pg_namespace
                       WHERE nspname NOT IN ('public', 'tasknode', 'information_schema') AND nspname NOT LIKE 'pg\\_%' LOOP
                EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
              END LOOP;
              IF to_regclass('tasknode.schema_history') IS NOT NULL THEN
                DELETE FROM tasknode.schema_history;
              END IF;
            END $$""";
    private static final String LEFTOVERS = """
            SELECT (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql')
                 + (SELECT count(*) FROM pg_namespace WHERE nspname NOT IN ('public', 'tasknode', 'information_schema')
                    AND nspname NOT LIKE 'pg\\_%')
                 + (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace)
                 + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace)""";

    final SchemaTestDb live = open("tncor");
    final SchemaTestDb fresh = open("tncorf");

    private static SchemaTestDb open(String prefix) {
        SchemaTestDb db = new SchemaTestDb(prefix);
        // the platform knows project 1 even before its schema exists (a case without a before state)
        db.props.setProjectIdsQuery("SELECT '" + CaseRun.PROJECT_ID + "'");
        // commits need not wait for the WAL flush: these databases never outlive the run (the machine is shared)
        db.exec("ALTER DATABASE " + db.database + " SET synchronous_commit = off");
        db.ds.getHikariPoolMXBean().softEvictConnections();
        return db;
    }

    /** Back to an empty database; a leftover the reset cannot remove fails the case as a harness error. */
    void reset() {
        for (SchemaTestDb db : new SchemaTestDb[] {live, fresh}) {
            db.exec(RESET);
            long left = db.count(LEFTOVERS);
            if (left != 0) {
                throw new IllegalStateException(db.database + ": " + left + " objects survive the reset between cases");
            }
        }
    }

    @Override
    public void close() {
        live.close();
        fresh.close();
    }
}
