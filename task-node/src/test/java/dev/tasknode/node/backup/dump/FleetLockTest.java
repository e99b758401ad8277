package dev.tasknode.node.backup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.RestoreSpec;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.node.backup.BackupFixture;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.db.SchemaLocks;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskFailedException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The fleet lock (SchemaLocks): a backup or restore of more than {@code fleet-lock-above} schemas holds one lock
 * instead of one per schema, waits for the apply and restore runs that hold schema locks, keeps new ones out while
 * it waits and runs, and names the holders when it gives up. Here the fleet is four schemas and the threshold 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetLockTest {
    static final String DB = "(SELECT oid FROM pg_database WHERE datname = current_database())";
    BackupFixture f;

    @BeforeAll
    void setUp() throws Exception {
        f = new BackupFixture("bk_fleetlock");
        f.createFleet(20, "1", "2", "3");
        f.props.setFleetLockAbove(2);
    }

    @AfterEach
    void reset() {
        f.props.setFleetLockAbove(2);
        f.props.setSchemaLockWait(Duration.ofSeconds(60));
    }

    @AfterAll
    void tearDown() {
        f.close();
    }

    @Test
    void aWholeFleetBackupHoldsOneLockWaitsForApplyAndKeepsNewRunsOut() throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger schemaLocksOfOthers = new AtomicInteger();
        AtomicInteger fleetExclusive = new AtomicInteger();
        try (Connection apply = f.ds.getConnection(); Connection late = f.ds.getConnection();
             Connection watch = f.ds.getConnection()) {
            int applyPid = pid(apply);
            assertEquals(Set.of("p_2"), SchemaLocks.lockAll(apply, List.of("p_2"), Duration.ofSeconds(1)));
            Thread watcher = Thread.ofPlatform().start(() -> { // our advisory locks held by anyone but the "apply"
                try (Statement st = watch.createStatement()) {
                    while (!stop.get()) {
                        try (ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE classid = "
                                + SchemaLocks.LOCK_CLASS + "), count(*) FILTER (WHERE classid = " + SchemaLocks.FLEET_CLASS
                                + " AND mode = 'ExclusiveLock' AND granted) FROM pg_locks WHERE locktype = 'advisory' AND database = " + DB + " AND pid <> "
                                + applyPid)) {
                            rs.next();
                            schemaLocksOfOthers.accumulateAndGet(rs.getInt(1), Math::max);
                            fleetExclusive.accumulateAndGet(rs.getInt(2), Math::max);
                        }
                    }
                } catch (Exception e) {
                    schemaLocksOfOthers.set(-1000);
                }
            });
            Future<Manifest> running = ex.submit(() -> f.backups.backup(
                    new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual"));
            awaitFleetWaiter(watch);
            assertFalse(running.isDone(), "the backup waits for the apply's round");
            // while the backup waits in the queue, a new run gets no share: the backup is not starved
            assertEquals(Set.of(), SchemaLocks.lockAll(late, List.of("p_3"), Duration.ofMillis(300)));
            assertFalse(SchemaLocks.tryLock(late, "p_1"));
            try (Statement st = late.createStatement()) { // the apply's migration (the pool's four connections are in use)
                st.execute("ALTER TABLE p_2.items ADD COLUMN extra int");
            }
            SchemaLocks.unlockAll(apply, Set.of("p_2"));
            Manifest m = running.get();
            assertEquals(Manifest.COMPLETE, m.status());
            assertEquals(List.of("shared", "p_1", "p_2", "p_3"), m.okSchemas());
            stop.set(true);
            watcher.join();
            assertEquals(0, schemaLocksOfOthers.get(), "no schema lock taken by the backup (or anyone else)");
            assertEquals(1, fleetExclusive.get(), "the backup held the fleet lock");
            // released: runs lock schemas again
            assertEquals(Set.of("p_3"), SchemaLocks.lockAll(late, List.of("p_3"), Duration.ofSeconds(1)));
            SchemaLocks.unlockAll(late, Set.of("p_3"));
            assertEquals(0, f.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = " + DB + " AND classid IN ("
                    + SchemaLocks.LOCK_CLASS + ", " + SchemaLocks.FLEET_CLASS + ")"));
        } finally {
            stop.set(true);
            ex.shutdownNow();
            f.exec("ALTER TABLE p_2.items DROP COLUMN IF EXISTS extra");
        }
    }

    @Test
    void aBackupThatCannotHaveTheFleetLockFailsEverySchemaNamingTheHolder() throws Exception {
        f.props.setSchemaLockWait(Duration.ofMillis(800));
        try (Connection apply = f.ds.getConnection()) {
            int applyPid = pid(apply);
            assertTrue(SchemaLocks.tryLock(apply, "p_1"));
            Manifest m = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual");
            assertEquals(Manifest.FAILED, m.status());
            assertEquals(List.of(), m.okSchemas());
            assertEquals(4, m.schemas().size());
            for (Manifest.SchemaEntry e : m.schemas()) {
                assertEquals("failed", e.status());
                assertTrue(e.error().contains("fleet lock") && e.error().contains("pid " + applyPid), e.error());
            }
            SchemaLocks.unlock(apply, "p_1");
        }
        // a backup of two schemas is under the threshold: schema locks, and the other schema is not held up
        f.props.setFleetLockAbove(2);
        try (Connection apply = f.ds.getConnection()) {
            assertTrue(SchemaLocks.tryLock(apply, "p_1"));
            Manifest m = f.backups.backupSchemas(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()),
                    List.of("p_1", "p_2"), "[p_1, p_2]", "manual", true);
            assertEquals(List.of("p_2"), m.okSchemas());
            SchemaLocks.unlock(apply, "p_1");
        }
    }

    @Test
    void whileAWholeFleetRunHoldsTheLockApplyAndSmallRestoresAreBusy() throws Exception {
        Manifest one = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), new Scope.Project("3"), "manual");
        assertEquals(Manifest.COMPLETE, one.status());
        f.props.setSchemaLockWait(Duration.ofMillis(500));
        Map<String, String> before = f.state();
        try (Connection whole = f.ds.getConnection(); Connection other = f.ds.getConnection()) {
            assertTrue(SchemaLocks.lockFleet(whole, Duration.ofSeconds(1)));
            assertEquals(Set.of(), SchemaLocks.lockAll(other, List.of("p_1", "p_2"), Duration.ofMillis(300)));
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> f.restore.restore(
                    new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", one.id() + ":3")),
                    RestoreSpec.parse(one.id() + ":3"), true));
            assertEquals(ErrorCode.CONFLICT, e.error().code());
            assertTrue(e.getMessage().contains("fleet lock") && e.getMessage().contains("pid " + pid(whole))
                    && e.getMessage().contains("nothing was touched"), e.getMessage());
            assertEquals(before, f.state());
            SchemaLocks.unlockFleet(whole);
            assertEquals(Set.of("p_1", "p_2"), SchemaLocks.lockAll(other, List.of("p_1", "p_2"), Duration.ofSeconds(1)));
            SchemaLocks.unlockAll(other, Set.of("p_1", "p_2"));
        }
    }

    @Test
    void aWholeFleetRestoreTakesTheFleetLock() throws Exception {
        Manifest all = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual");
        assertEquals(Manifest.COMPLETE, all.status());
        Map<String, String> before = f.state();
        f.props.setSchemaLockWait(Duration.ofMillis(800));
        try (Connection apply = f.ds.getConnection()) {
            assertTrue(SchemaLocks.tryLock(apply, "p_2"));
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> f.restore.restore(
                    new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", all.id())),
                    RestoreSpec.parse(all.id()), false));
            assertEquals(ErrorCode.CONFLICT, e.error().code());
            assertTrue(e.getMessage().contains("fleet lock") && e.getMessage().contains("pid " + pid(apply)), e.getMessage());
            assertEquals(before, f.state());
            SchemaLocks.unlock(apply, "p_2");
        }
        f.exec("UPDATE p_1.items SET payload = 'changed'");
        var outcome = f.restore.restore(new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", all.id())),
                RestoreSpec.parse(all.id()), false);
        assertEquals(dev.tasknode.contracts.messages.TaskStatus.SUCCEEDED, outcome.status(), outcome.summary());
        assertEquals(before, f.state());
    }

    /** Until the backup's session waits for the fleet lock (at most 10 s). */
    private static void awaitFleetWaiter(Connection c) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks"
                    + " WHERE locktype = 'advisory' AND database = " + DB + " AND classid = " + SchemaLocks.FLEET_CLASS + " AND NOT granted")) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the backup never asked for the fleet lock");
    }

    private static int pid(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
