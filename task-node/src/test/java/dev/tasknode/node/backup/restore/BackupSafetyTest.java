package dev.tasknode.node.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.BackupFixture;
import dev.tasknode.node.backup.BackupStartup;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.BackupDatabaseTask;
import dev.tasknode.node.backup.tasks.ListBackupsTask;
import dev.tasknode.node.backup.tasks.RestoreDatabaseTask;
import dev.tasknode.node.backup.tasks.VerifyBackupTask;
import dev.tasknode.node.db.SchemaLocks;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskOutcome;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What must refuse, and what must survive: corruption, bad specs, lock holders, a restore cut off mid-way. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupSafetyTest {
    BackupFixture f;

    @BeforeAll
    void setUp() throws Exception {
        f = new BackupFixture("bk_safety");
        f.createFleet(100, "1", "2", "3");
    }

    @AfterAll
    void tearDown() {
        f.close();
    }

    private RecordingContext restoreCtx(String spec) {
        return new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", spec));
    }

    private Manifest backup(Scope scope) throws Exception {
        Manifest m = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), scope, "manual");
        assertEquals(Manifest.COMPLETE, m.status());
        return m;
    }

    private Set<String> backupIds() throws Exception {
        Set<String> ids = new HashSet<>();
        f.store.list().forEach(m -> ids.add(m.id()));
        return ids;
    }

    @Test
    void corruptedFileIsDetectedBeforeAnythingIsTouched() throws Exception {
        Manifest m = backup(Scope.ALL);
        Path file = f.dir.resolve(m.id()).resolve(m.files().get(0).name());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            int b = raf.read();
            raf.seek(raf.length() / 2);
            raf.write(b ^ 0xff);
        }
        f.exec("UPDATE p_1.items SET payload = 'changed' WHERE id = 1");
        Map<String, String> before = f.state();
        Set<String> ids = backupIds();
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> new RestoreDatabaseTask(f.restore).run(restoreCtx(m.id())));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was touched"), e.getMessage());
        assertEquals(before, f.state());
        assertEquals(ids, backupIds(), "not even a safety backup");
        assertEquals(List.of(), f.schemasLike("%restore%"));
        ListBackupsTask.Result list = (ListBackupsTask.Result) new ListBackupsTask(f.store, f.replaced)
                .run(new RecordingContext(TaskNames.LIST_BACKUPS, Map.of())).result();
        assertFalse(list.backups().stream().filter(b -> b.id().equals(m.id())).findFirst().orElseThrow().valid());
        // verify_backup says so too
        TaskOutcome v = new VerifyBackupTask(f.store, f.pg, f.ds, f.beans.getBeanProvider(dev.tasknode.node.db.SchemaFingerprints.class))
                .run(new RecordingContext(TaskNames.VERIFY_BACKUP, Map.of("param", m.id())));
        assertEquals(TaskStatus.FAILED, v.status());
    }

    @Test
    void invalidAndMaliciousSpecsAreRefused() throws Exception {
        for (String bad : List.of("../etc/passwd", "/etc/passwd", "20250520_123456/../../x", "20251340_123456",
                "20250229_120000", "2025-05-20", "20250520_123456:../p_1", "20250520_123456:/tmp", "20250520_123456:",
                "20250520_123456:P_1", "20250520_123456:p_1;drop schema shared", "")) {
            assertThrows(ParamException.class, () -> TaskCatalog.RESTORE_DATABASE.parse(Map.of("param", bad)), bad);
        }
        assertThrows(ParamException.class, () -> TaskCatalog.SHOW_BACKUP.parse(Map.of("param", "../20250520_123456")));
        Map<String, String> before = f.state();
        Set<String> ids = backupIds();
        // well formed but unknown
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> new RestoreDatabaseTask(f.restore).run(restoreCtx("20200101_000000")));
        assertEquals(ErrorCode.NOT_FOUND, e.error().code());
        // a schema the backup does not hold
        Manifest shared = backup(Scope.SHARED);
        ids.add(shared.id());
        e = assertThrows(TaskFailedException.class,
                () -> new RestoreDatabaseTask(f.restore).run(restoreCtx(shared.id() + ":p_1")));
        assertEquals(ErrorCode.NOT_FOUND, e.error().code());
        assertTrue(e.getMessage().contains("does not contain schema p_1"), e.getMessage());
        e = assertThrows(TaskFailedException.class,
                () -> new RestoreDatabaseTask(f.restore).run(restoreCtx(shared.id() + ":77")));
        assertEquals(ErrorCode.NOT_FOUND, e.error().code());
        assertEquals(before, f.state());
        assertEquals(ids, backupIds());
        // backup of a project that has no schema
        e = assertThrows(TaskFailedException.class, () -> f.backups.backup(
                new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), new Scope.Project("77"), "manual"));
        assertEquals(ErrorCode.NOT_FOUND, e.error().code());
    }

    @Test
    void backupWaitsForAnApplyHoldingTheSchemaLock() throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (Connection apply = f.ds.getConnection()) {
            assertTrue(SchemaLocks.tryLock(apply, "p_2"));
            Future<Manifest> running = ex.submit(() -> f.backups.backup(
                    new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual"));
            Thread.sleep(1500);
            assertFalse(running.isDone(), "the backup waits for apply");
            f.exec("ALTER TABLE p_2.items ADD COLUMN extra int"); // the "migration"
            SchemaLocks.unlock(apply, "p_2");
            Manifest m = running.get();
            assertEquals(Manifest.COMPLETE, m.status());
            f.exec("ALTER TABLE p_2.items DROP COLUMN extra");
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void backupNeitherStallsBehindNorBlocksATableLockHolder() throws Exception {
        f.props.setLockWaitTimeout(Duration.ofSeconds(1));
        try (Connection alter = f.ds.getConnection(); Statement st = alter.createStatement()) {
            alter.setAutoCommit(false);
            st.execute("LOCK TABLE p_3.items IN ACCESS EXCLUSIVE MODE"); // what ALTER TABLE holds
            long t0 = System.nanoTime();
            RecordingContext ctx = new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of());
            TaskOutcome o = new BackupDatabaseTask(f.backups, f.store).run(ctx);
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos());
            assertEquals(TaskStatus.PARTIAL, o.status(), ctx.text());
            BackupDatabaseTask.Result r = (BackupDatabaseTask.Result) o.result();
            assertEquals(Manifest.PARTIAL, r.status());
            assertEquals(List.of("p_3"), r.failed().stream().map(BackupDatabaseTask.Failed::schema).toList());
            Manifest m = f.store.get(r.backupId());
            assertEquals(List.of("shared", "p_1", "p_2"), m.okSchemas());
            st.execute("ALTER TABLE p_3.items ADD COLUMN extra int"); // the holder goes on undisturbed
            alter.rollback();
            // the partial backup restores what it has, refuses what it lacks
            assertThrows(TaskFailedException.class, () -> f.restore.restore(restoreCtx(m.id() + ":3"),
                    dev.tasknode.contracts.tasks.RestoreSpec.parse(m.id() + ":3"), false));
        } finally {
            f.props.setLockWaitTimeout(Duration.ofSeconds(30));
        }
    }

    @Test
    void restoreCutOffMidWayIsRepairedAtStart() throws Exception {
        Map<String, String> before = f.state();
        Manifest m = backup(Scope.ALL);
        // the state a kill -9 leaves: p_1 moved aside (journal row), a partial new p_1
        try (Connection c = f.ds.getConnection()) {
            SchemaSwap.Swap sw = f.swap.moveAside(c, "p_1", m.id(), "killed-task");
            assertTrue(sw.aside().startsWith("_restore_p_1_"));
            f.exec("CREATE SCHEMA p_1; CREATE TABLE p_1.items (id int); INSERT INTO p_1.items VALUES (1)");
            // and one whose schema did not exist before the restore: p_9, partial
            f.swap.moveAside(c, "p_9", m.id(), "killed-task");
            f.exec("CREATE SCHEMA p_9; CREATE TABLE p_9.half (id int)");
        }
        assertNotEquals(before, f.state());
        new BackupStartup(f.restore, f.store, f.metrics, null).run();
        assertEquals(before, f.state());
        assertEquals(List.of(), f.schemasLike("%restore%"));
        assertEquals(List.of(), f.schemasLike("p_9"));
        assertEquals(0, f.count("SELECT count(*) FROM tasknode.backup_restore_journal"));
        // the FK from p_1 into shared is the original one, still enforced
        assertEquals(3, f.count("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
                + " AND confrelid = 'shared.projects'::regclass"));
    }

    @Test
    void repairLeavesARestoreThatIsStillRunningAlone() throws Exception {
        Manifest m = backup(new Scope.Project("2"));
        try (Connection running = f.ds.getConnection(); Connection c = f.ds.getConnection()) {
            assertTrue(SchemaLocks.tryLock(running, "p_2"));
            SchemaSwap.Swap sw = f.swap.moveAside(c, "p_2", m.id(), "live-task");
            assertEquals(List.of(), f.restore.repairAll());
            assertEquals(1, f.count("SELECT count(*) FROM tasknode.backup_restore_journal"));
            SchemaLocks.unlock(running, "p_2");
            assertEquals(List.of("p_2"), f.restore.repairAll());
            assertEquals(List.of("p_2"), f.schemasLike("p_2"));
            assertFalse(f.schemasLike(sw.aside()).contains(sw.aside()));
        }
    }

    @Test
    void failedRestorePutsTheOriginalBack() throws Exception {
        Manifest m = backup(new Scope.Project("3"));
        // make the manifest's row counts disagree with the archive: validation must fail and roll back
        Path mf = f.dir.resolve(m.id()).resolve("manifest.json");
        String json = Files.readString(mf).replaceFirst("\"items\" : 100", "\"items\" : 101");
        assertNotEquals(Files.readString(mf), json);
        Files.writeString(mf, json);
        f.exec("UPDATE p_3.items SET payload = 'live' WHERE id = 7");
        Map<String, String> before = f.state();
        TaskOutcome o = new RestoreDatabaseTask(f.restore).run(restoreCtx(m.id() + ":3"));
        assertEquals(TaskStatus.FAILED, o.status());
        assertTrue(o.summary().contains("row counts differ"), o.summary());
        assertEquals(before, f.state());
        assertEquals(List.of(), f.schemasLike("%restore%"));
        assertEquals(0, f.count("SELECT count(*) FROM tasknode.backup_restore_journal"));
    }

    @Test
    void backupIdsAreUniqueEvenInOneSecond() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String>> calls = List.of(this::reserveId, this::reserveId, this::reserveId, this::reserveId);
            Set<String> ids = new HashSet<>();
            for (Future<String> fu : ex.invokeAll(calls)) {
                ids.add(fu.get());
            }
            assertEquals(4, ids.size(), ids.toString());
        } finally {
            ex.shutdownNow();
        }
        // a killed backup's temp dir is cleaned at start; a running one is not
        Path stale = Files.createDirectory(f.dir.resolve(".tmp-20200101_000000"));
        Files.writeString(stale.resolve(".lock"), "");
        Files.writeString(stale.resolve("batch-0001.dump"), "half");
        try (BackupStore.Pending running = f.store.reserve()) {
            assertEquals(1, f.store.cleanLeftovers());
            assertFalse(Files.exists(stale));
            assertTrue(Files.exists(running.dir()));
        }
        assertFalse(f.store.list().stream().anyMatch(b -> b.id().equals("20200101_000000")));
    }

    private String reserveId() throws Exception {
        BackupStore.Pending p = f.store.reserve();
        String id = p.id();
        p.commit(new Manifest(1, id, Manifest.TASKNODE, Manifest.FAILED, "test", "manual", null, null, null, null, null,
                null, null, List.of(), List.of()));
        p.close();
        return id;
    }
}
