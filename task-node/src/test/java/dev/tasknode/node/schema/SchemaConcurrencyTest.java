package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.db.SchemaLocks;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.tasks.ApplyMigrationsTask;
import dev.tasknode.node.task.TaskOutcome;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two appliers at once (advisory locks), lock_timeout with retries, a schema busy under another node's lock. */
class SchemaConcurrencyTest {
    static final String V1 = "CREATE TABLE {schema}.t (id bigint PRIMARY KEY, a text);";
    static final String V2 = V1.replace("a text", "a text, b integer NOT NULL DEFAULT 0") + "CREATE INDEX t_a_idx ON {schema}.t (a);";
    SchemaTestDb db;

    @BeforeEach
    void setUp() throws Exception {
        db = new SchemaTestDb("schema_conc");
        SchemaTestDb.Wiring v1 = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V1));
        v1.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of()), Scope.SHARED,
                new FleetApplier.Options("create_tables", false, false, false, null, true));
        for (int i = 1; i <= 12; i++) {
            v1.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of()), new Scope.Project("n" + i),
                    new FleetApplier.Options("create_tables", false, false, false, null, true));
        }
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void twoAppliersAtOnceMigrateEachSchemaExactlyOnce() throws Exception {
        db.props.setParallelism(2);
        SchemaTestDb.Wiring a = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V2));
        SchemaTestDb.Wiring b = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V2));
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<TaskOutcome>> fs = new ArrayList<>();
            for (SchemaTestDb.Wiring w : List.of(a, b)) {
                fs.add(two.submit(() -> new ApplyMigrationsTask(w.applier()).run(new SchemaTestDb.Ctx("apply_migrations", Map.of()))));
            }
            int applied = 0;
            for (Future<TaskOutcome> f : fs) {
                TaskOutcome o = f.get();
                assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
                applied += ((Results.ApplyReport) o.result()).changed();
            }
            assertEquals(12, applied, "each schema migrated by exactly one of the two");
        } finally {
            two.shutdownNow();
        }
        assertEquals(12, db.count("SELECT count(*) FROM tasknode.schema_history WHERE task = 'apply_migrations' AND outcome = 'applied'"));
        assertEquals(12, db.count("SELECT count(DISTINCT schema_name) FROM tasknode.schema_history WHERE task = 'apply_migrations'"));
        assertEquals(0, a.reports().propose(Scope.ALL).proposal().toChange());
    }

    @Test
    void lockTimeoutRetriesThenFailsThatSchemaOnlyAndALaterRunFinishesIt() throws Exception {
        db.props.setLockTimeout(Duration.ofMillis(200));
        db.props.setLockRetries(2);
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V2));
        try (Connection holder = db.ds.getConnection(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("LOCK TABLE p_n3.t IN ACCESS SHARE MODE"); // enough to block ALTER TABLE
            SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of());
            TaskOutcome o = new ApplyMigrationsTask(w.applier()).run(ctx);
            assertEquals(TaskStatus.PARTIAL, o.status(), ctx.text());
            Results.ApplyReport r = (Results.ApplyReport) o.result();
            Results.SchemaOutcome n3 = r.outcomes().stream().filter(x -> x.schema().equals("p_n3")).findFirst().orElseThrow();
            assertEquals("failed", n3.outcome());
            assertEquals(3, n3.attempts(), "first try and two retries");
            assertTrue(n3.error().contains("lock timeout"), n3.error());
            assertEquals(11, r.changed());
            assertTrue(ctx.text().contains("retrying in"), ctx.text());
            holder.rollback();
        }
        TaskOutcome o = new ApplyMigrationsTask(w.applier()).run(new SchemaTestDb.Ctx("apply_migrations", Map.of()));
        assertEquals(TaskStatus.SUCCEEDED, o.status());
        assertEquals(1, ((Results.ApplyReport) o.result()).changed());
        assertEquals(0, w.reports().propose(Scope.ALL).proposal().toChange());
    }

    @Test
    void cancellationStopsBetweenSchemasAndTheTaskEndsCancelled() throws Exception {
        db.props.setParallelism(1);
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V2));
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of()) {
            @Override
            public void progress(long done, long total, String message) {
                if (done >= 3) {
                    cancel = true; // stop after three schemas
                }
            }
        };
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CancellationException.class,
                () -> new ApplyMigrationsTask(w.applier()).run(ctx));
        long applied = db.count("SELECT count(*) FROM tasknode.schema_history WHERE task = 'apply_migrations' AND outcome = 'applied'");
        assertTrue(applied >= 3 && applied < 12, "applied " + applied);
        assertTrue(ctx.text().contains("cancelled"), ctx.text());
        assertEquals(12 - applied, w.reports().propose(Scope.ALL).proposal().toChange());
    }

    @Test
    void aSchemaHeldByAnotherNodesAdvisoryLockIsReportedBusy() throws Exception {
        db.props.setAdvisoryLockWait(Duration.ofMillis(300));
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V2));
        try (Connection other = db.ds.getConnection()) {
            assertTrue(SchemaLocks.tryLock(other, "p_n5"));
            TaskOutcome o = new ApplyMigrationsTask(w.applier()).run(new SchemaTestDb.Ctx("apply_migrations", Map.of()));
            assertEquals(TaskStatus.PARTIAL, o.status());
            Results.SchemaOutcome n5 = ((Results.ApplyReport) o.result()).outcomes().stream()
                    .filter(x -> x.schema().equals("p_n5")).findFirst().orElseThrow();
            assertEquals("busy", n5.outcome());
            SchemaLocks.unlock(other, "p_n5");
        }
    }
}
