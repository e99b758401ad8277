package dev.tasknode.node.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.BackupFixture;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.RestoreDatabaseTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskOutcome;
import dev.tasknode.testing.TcpProxy;
import dev.tasknode.testing.TestEndpoints;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 11 fault test: the database connection is cut (a TCP proxy the test controls, in front of the real
 * PostgreSQL) while pg_restore writes a schema. The schema is put back as it was, and the task says it failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreFaultTest {
    TcpProxy proxy;
    BackupFixture f;

    @BeforeAll
    void setUp() throws Exception {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        proxy = new TcpProxy(pg.host(), pg.port());
        f = new BackupFixture("tnrel_restore_fault", proxy.port());
        f.createFleet(50, "1");
        f.exec("CREATE TABLE p_1.big AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) AS a FROM generate_series(1, 1500000) g;"
                + "ALTER TABLE p_1.big ADD PRIMARY KEY (id);");
    }

    @AfterAll
    void tearDown() throws Exception {
        f.close();
        proxy.close();
    }

    private long direct(String sql) throws Exception {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        try (Connection c = DriverManager.getConnection(pg.urlFor(f.database), pg.user(), pg.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aConnectionCutMidRestorePutsTheSchemaBackAndSaysSo() throws Exception {
        Manifest m = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual");
        assertEquals(Manifest.COMPLETE, m.status());
        f.exec("UPDATE p_1.items SET payload = 'after the backup' WHERE id = 1");
        Map<String, String> before = f.state();
        RecordingContext ctx = new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", m.id() + ":1",
                "safety_backup", false));
        CompletableFuture<TaskOutcome> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new RestoreDatabaseTask(f.restore).run(ctx);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (direct("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'"
                + " AND application_name LIKE 'tn-restore:p\\_1%' AND query LIKE 'COPY%'") == 0) {
            assertTrue(System.nanoTime() < end, "pg_restore never started copying");
            Thread.sleep(20);
        }
        proxy.cut(); // every connection: pg_restore's, the restorer's, the lock holder's
        TaskOutcome out;
        try {
            out = run.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("the restore must end with an outcome, not " + e.getCause(), e.getCause());
        }
        assertNotEquals(TaskStatus.SUCCEEDED, out.status(), out.summary());
        assertTrue(out.summary().contains("failed") || out.summary().contains("0 of 1"), out.summary());
        // put back: the live data is what it was; nothing left aside
        RestoreService.RestoreResult r = (RestoreService.RestoreResult) out.result();
        if (r != null) {
            assertEquals(RestoreService.FAILED, r.schemas().get(0).outcome(), r.toString());
        }
        if (direct("SELECT count(*) FROM tasknode.backup_restore_journal") > 0) {
            // the put-back itself lost its connection: the journal keeps it, and the repair (start-up, or the next
            // restore of the schema) finishes it
            assertEquals(List.of("p_1"), f.restore.repairAll());
        }
        assertEquals(before, f.state());
        assertEquals(List.of(), f.schemasLike("\\_restore\\_%"));
        assertEquals(0, direct("SELECT count(*) FROM tasknode.backup_restore_journal"));
    }
}
