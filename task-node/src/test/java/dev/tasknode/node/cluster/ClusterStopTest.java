package dev.tasknode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.tasks.ApplyMigrationsTask;
import dev.tasknode.node.schema.tasks.CreateTablesTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskOutcome;
import dev.tasknode.testing.TestEndpoints;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The second cluster stopped in the middle of apply_migrations: its schemas are failed with the cluster named, the
 * home cluster's are migrated, the task is partial — and it ends, it does not hang. While tn2 is still stopped, a
 * backup_database of everything: tn2's schemas failed with the reason, the home cluster's backed up, partial. The
 * ONLY test that stops tn2 (pg_ctlcluster stop -m immediate, as a crash, for a few seconds); it starts it again in a finally and waits
 * until it answers.
 */
class ClusterStopTest {
    static TwoClusters two;
    static ClusterRegistry registry;

    @BeforeAll
    static void setUp() throws Exception {
        two = new TwoClusters("tn_c_stop");
        two.props.setLockTimeout(Duration.ofSeconds(60)); // the blocked schema waits until the cluster stops
        registry = two.standard();
        RecordingContext ctx = new RecordingContext("create_tables", Map.of());
        TaskOutcome out = new CreateTablesTask(two.wire(registry, TwoClusters.model(ClusterFanOutTest.SHARED, ClusterFanOutTest.V1))
                .schemas()).run(ctx);
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @AfterAll
    static void tearDown() {
        if (two != null) {
            two.close();
        }
    }

    @Test
    void aClusterStoppedDuringApplyFailsItsSchemasAndTheTaskEndsPartial() throws Exception {
        TwoClusters.Wired w = two.wire(registry, TwoClusters.model(ClusterFanOutTest.SHARED, ClusterFanOutTest.V2));
        RecordingContext ctx = new RecordingContext("apply_migrations", Map.of("backup", false));
        TestEndpoints.Postgres pg2 = two.pg2;
        TaskOutcome out;
        TaskOutcome backup;
        RecordingContext backupCtx = new RecordingContext("backup_database", Map.of());
        long t0;
        long backupMillis;
        // a session on tn2 reads p_b1.items (ACCESS SHARE: pg_dump of plan validation passes, ALTER TABLE waits)
        Connection holder = DriverManager.getConnection(pg2.urlFor(two.db2), pg2.user(), pg2.password());
        try {
            holder.setAutoCommit(false);
            try (Statement hs = holder.createStatement()) {
                hs.execute("LOCK TABLE p_b1.items IN ACCESS SHARE MODE");
            }
            CompletableFuture<TaskOutcome> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return new ApplyMigrationsTask(w.schemas()).run(ctx);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                waitForLockWait(two.db2, run);
                // the other two tn2 projects commit meanwhile (parallelism 2): they must be reported applied, not lost
                waitForHistory(two.db2, ctx.taskId(), run);
                Thread.sleep(500); // their commits are acknowledged to the applier, not only visible to others
                t0 = System.nanoTime();
                assertThat(TestEndpoints.stopSecondCluster()).as("pg_ctlcluster stop").isNull();
                // a hang guard, not a speed goal: the cluster's timeouts end its part
                out = run.get(120, TimeUnit.SECONDS);
                // the same stop serves the backup: tn2 is down while it runs
                try (ClusterBackups cb = new ClusterBackups(two, registry)) {
                    long b0 = System.nanoTime();
                    backup = new dev.tasknode.node.backup.tasks.BackupDatabaseTask(cb.backups, cb.store).run(backupCtx);
                    backupMillis = (System.nanoTime() - b0) / 1_000_000;
                }
            } finally {
                assertThat(TestEndpoints.startSecondCluster()).as("tn2 started again").isNull();
            }
        } finally {
            try {
                holder.close(); // its server went away: nothing to release
            } catch (java.sql.SQLException ignored) {
                // the session ended with the stop
            }
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000;
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.PARTIAL);
        assertThat(out.summary()).contains("cluster tn2 failed").doesNotContain("still differ from the model");
        Results.ApplyReport r = (Results.ApplyReport) out.result();
        assertThat(r.outcomes()).filteredOn(o -> "default".equals(o.cluster())).extracting(Results.SchemaOutcome::outcome)
                .containsOnly("applied", "unchanged");
        assertThat(r.outcomes()).filteredOn(o -> "default".equals(o.cluster()) && o.schema().startsWith("p_")).hasSize(2)
                .allSatisfy(o -> assertThat(o.outcome()).isEqualTo("applied"));
        assertThat(r.outcomes()).filteredOn(o -> "tn2".equals(o.cluster()) && o.schema().equals("p_b1")).singleElement()
                .satisfies(o -> {
                    assertThat(o.outcome()).isEqualTo("failed");
                    assertThat(o.error()).isNotBlank();
                });
        assertThat(r.outcomes()).filteredOn(o -> "tn2".equals(o.cluster()) && List.of("p_b2", "p_b3").contains(o.schema()))
                .extracting(Results.SchemaOutcome::outcome).containsExactly("applied", "applied");
        assertThat(r.clusters()).filteredOn(c -> c.cluster().equals("tn2")).singleElement().satisfies(c -> {
            assertThat(c.state()).isEqualTo("down");
            assertThat(c.error()).startsWith("cluster tn2 failed: ");
            assertThat(c.failedSchemas()).contains("p_b1").doesNotContain("p_b2", "p_b3");
        });
        System.out.printf("tn2 stopped mid-apply: the task ended %d s after the stop, status %s: %s%n", seconds,
                out.status(), out.summary());

        assertThat(backup.status()).as(String.join("\n", backupCtx.lines)).isEqualTo(TaskStatus.PARTIAL);
        var b = (dev.tasknode.node.backup.tasks.BackupDatabaseTask.Result) backup.result();
        assertThat(b.failed()).extracting(f -> f.cluster() + "/" + f.schema())
                .containsExactlyInAnyOrder("tn2/shared", "tn2/p_b1", "tn2/p_b2", "tn2/p_b3");
        assertThat(b.failed()).allSatisfy(f -> assertThat(f.error()).startsWith("cluster tn2 is down: "));
        assertThat(b.schemas()).isEqualTo(7);
        assertThat(b.clusters()).extracting(c -> c.cluster() + ":" + (c.error() == null ? "ok" : "down"))
                .containsExactly("default:ok", "tn2:down");
        System.out.printf("backup with tn2 stopped: %d ms, status %s: %s%n", backupMillis, backup.status(), backup.summary());
    }

    /** Until tn2's history holds this task's applied rows of p_b2 and p_b3 (committed with their migrations). */
    private static void waitForHistory(String db, String taskId, CompletableFuture<TaskOutcome> run) throws Exception {
        try (Connection watch = DriverManager.getConnection(two.pg2.urlFor(db), two.pg2.user(), two.pg2.password());
             Statement st = watch.createStatement()) {
            for (int i = 0; i < 600; i++) {
                if (run.isDone()) {
                    throw new AssertionError("apply ended before tn2's other projects were migrated: " + run.get().summary());
                }
                try (ResultSet rs = st.executeQuery("SELECT count(DISTINCT schema_name) FROM tasknode.schema_history "
                        + "WHERE task_id = '" + taskId + "' AND outcome = 'applied' AND schema_name IN ('p_b2', 'p_b3')")) {
                    rs.next();
                    if (rs.getLong(1) == 2) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
            throw new AssertionError("tn2's other projects were never migrated");
        }
    }

    /** Until a session of the apply waits for the holder's lock on tn2 (or the run ended early: then fail). */
    private static void waitForLockWait(String db, CompletableFuture<TaskOutcome> run) throws Exception {
        try (Connection watch = DriverManager.getConnection(two.pg2.urlFor(db), two.pg2.user(), two.pg2.password());
             Statement st = watch.createStatement()) {
            for (int i = 0; i < 600; i++) {
                if (run.isDone()) {
                    throw new AssertionError("apply ended before it reached tn2's locked table: " + run.get().summary());
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
            throw new AssertionError("apply never waited for the lock on tn2");
        }
    }
}
