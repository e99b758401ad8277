package dev.tasknode.node.schema.convergence;

import dev.tasknode.node.schema.SchemaTestDb;
import dev.tasknode.testing.TestEndpoints;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

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
              FOR r IN SELECT nspname FROM pg_namespace
                       WHERE nspname NOT IN ('public', 'tasknode', 'information_schema') AND nspname NOT LIKE 'pg\\_%' LOOP
                EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
              END LOOP;
              FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
                EXECUTE format('DROP EXTENSION %I CASCADE', r.extname);
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

    SchemaTestDb live = open("tncor");
    SchemaTestDb fresh = open("tncorf");

    private static SchemaTestDb open(String prefix) {
        SchemaTestDb db = new SchemaTestDb(prefix);
        // the platform knows project 1 even before its schema exists (a case without a before state)
        db.props.setProjectIdsQuery("SELECT '" + CaseRun.PROJECT_ID + "'");
        // commits need not wait for the WAL flush: these databases never outlive the run (the machine is shared)
        db.exec("ALTER DATABASE " + db.database + " SET synchronous_commit = off");
        db.ds.getHikariPoolMXBean().softEvictConnections();
        return db;
    }

    /**
     * Back to empty databases (schemas first, so that dropping an extension finds nothing that uses it). When the
     * reset fails or leaves something behind, the pair is replaced by new databases: a case never inherits state.
     */
    void reset() {
        if (!clean(live) || !clean(fresh)) {
            close();
            live = open("tncor");
            fresh = open("tncorf");
        }
    }

    private static boolean clean(SchemaTestDb db) {
        try {
            db.exec(RESET);
            return db.count(LEFTOVERS) == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs a case's SQL as one simple-protocol query, so that PostgreSQL's own parser splits it: the JDBC driver's
     * statement splitter does not know {@code BEGIN ATOMIC … END} bodies.
     */
    static void load(SchemaTestDb db, String sql) throws SQLException {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        try (Connection c = DriverManager.getConnection(pg.urlFor(db.database) + "?preferQueryMode=simple", pg.user(),
                pg.password()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() {
        live.close();
        fresh.close();
    }
}
