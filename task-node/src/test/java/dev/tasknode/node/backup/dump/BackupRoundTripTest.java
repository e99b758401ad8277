package dev.tasknode.node.backup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.BackupFixture;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.backup.restore.RestoreService;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.BackupDatabaseTask;
import dev.tasknode.node.backup.tasks.RestoreDatabaseTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Backup and restore round trips against the real PostgreSQL: row counts and content checksums must match. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupRoundTripTest {
    BackupFixture f;

    @BeforeAll
    void setUp() throws Exception {
        f = new BackupFixture("bk_roundtrip");
        f.createFleet(200, "1", "2", "3");
    }

    @AfterAll
    void tearDown() {
        f.close();
    }

    private TaskOutcome restore(String spec) throws Exception {
        RecordingContext ctx = new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", spec));
        return new RestoreDatabaseTask(f.restore).run(ctx);
    }

    private Manifest backup(String scope) throws Exception {
        RecordingContext ctx = new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of("param", scope));
        TaskOutcome o = new BackupDatabaseTask(f.backups, f.store).run(ctx);
        assertEquals(TaskStatus.SUCCEEDED, o.status(), ctx.text());
        return f.store.get(((BackupDatabaseTask.Result) o.result()).backupId());
    }

    @Test
    void allRoundTripAfterChangesAndADroppedProject() throws Exception {
        Map<String, String> before = f.state();
        Manifest m = backup("");
        assertEquals(Manifest.COMPLETE, m.status());
        assertEquals(List.of("shared", "p_1", "p_2", "p_3"), m.okSchemas());
        assertEquals(200L, m.schema("p_2").orElseThrow().tables().get("items"));
        assertEquals(25L, m.schema("shared").orElseThrow().tables().get("settings"));
        assertTrue(m.snapshot() != null && !m.snapshot().isBlank());
        // files 0600, directory 0700
        Path bdir = f.dir.resolve(m.id());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bdir)));
        for (Manifest.FileEntry fe : m.files()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bdir.resolve(fe.name()))));
        }

        f.exec("UPDATE shared.settings SET v = '{}' WHERE k = 'k1'; DELETE FROM p_1.notes WHERE id < 50;"
                + " INSERT INTO p_2.items (project_id, payload) VALUES ('2', 'new'); DROP SCHEMA p_3 CASCADE;"
                + " CREATE SCHEMA p_4; CREATE TABLE p_4.items (id int);");
        assertNotEquals(before, f.state());

        // with the pg_dump safety backup as well as the kept copies (safety_dump)
        TaskOutcome o = new RestoreDatabaseTask(f.restore).run(new RecordingContext(TaskNames.RESTORE_DATABASE,
                Map.of("param", m.id(), "safety_dump", true)));
        assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
        RestoreService.RestoreResult r = (RestoreService.RestoreResult) o.result();
        assertEquals(List.of("p_4"), r.notInBackup());
        assertTrue(r.safetyBackup() != null);
        Map<String, String> after = f.state();
        after.remove("p_4.items");
        assertEquals(before, after);
        assertEquals(1, f.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'p_4'"), "not in backup: untouched");
        assertEquals(List.of(), f.schemasLike("%restore%"));
        // the safety backup holds the replaced state, including the project that is not in the backup? no: only replaced ones
        Manifest safety = f.store.get(r.safetyBackup());
        assertEquals(Manifest.COMPLETE, safety.status());
        assertFalse(safety.schema("p_4").isPresent());
        f.exec("DROP SCHEMA p_4 CASCADE");
    }

    @Test
    void sharedOnlyKeepsForeignKeysFromProjects() throws Exception {
        Map<String, String> before = f.state();
        Manifest m = backup("shared");
        assertEquals(List.of("shared"), m.okSchemas());
        f.exec("UPDATE shared.projects SET name = 'renamed'; DELETE FROM shared.settings WHERE k > 'k3'");
        TaskOutcome o = restore(m.id() + ":shared");
        assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
        assertEquals(before, f.state());
        // each project's foreign key points at the restored shared.projects, validated
        assertEquals(3, f.count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
                + " AND confrelid = 'shared.projects'::regclass AND connamespace <> 'shared'::regnamespace"));
        assertEquals(0, f.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE '\\_restore\\_shared%'"));
        // and it still enforces
        try {
            f.exec("INSERT INTO p_1.items (project_id) VALUES ('nope')");
            throw new AssertionError("foreign key lost");
        } catch (java.sql.SQLException e) {
            assertEquals("23503", e.getSQLState());
        }
    }

    @Test
    void oneProjectAfterChangeAndAfterDrop() throws Exception {
        Map<String, String> before = f.state();
        Manifest m = backup("2");
        assertEquals(List.of("p_2"), m.okSchemas());
        f.exec("TRUNCATE p_2.notes; UPDATE p_2.items SET payload = 'x'");
        TaskOutcome o = restore(m.id() + ":project_2");
        assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
        assertEquals(before, f.state());

        f.exec("DROP SCHEMA p_2 CASCADE");
        o = restore(m.id() + ":p_2");
        assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
        assertEquals(before, f.state());
        assertEquals(null, ((RestoreService.RestoreResult) o.result()).safetyBackup(), "nothing live to save");
        // sequences continue where they were
        f.exec("INSERT INTO p_2.items (project_id) VALUES ('2')");
        assertEquals(201, f.count("SELECT max(id) FROM p_2.items"));
        f.exec("DELETE FROM p_2.items WHERE id = 201");
    }

    @Test
    void backupScopeAllIsOneSnapshotAcrossBatches() throws Exception {
        f.props.setLockBudget(1); // every schema its own pg_dump run: still one snapshot
        try {
            Manifest m = backup("all");
            assertEquals(4, m.files().size());
            assertEquals(1, m.files().stream().map(Manifest.FileEntry::name).filter(n -> n.equals("shared.dump")).count());
        } finally {
            f.props.setLockBudget(0);
        }
        Manifest m = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual");
        // batches spread over the workers; every schema in exactly one archive
        assertTrue(m.files().size() <= 4);
        assertEquals(List.of("p_1", "p_2", "p_3", "shared"),
                m.files().stream().flatMap(x -> x.schemas().stream()).sorted().toList());
    }

    @Test
    void rowCountsFromTheArchiveEqualCountStarAtTheSnapshot() throws Exception {
        List<String> schemas = List.of("shared", "p_1", "p_2", "p_3");
        RecordingContext ctx = new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of());
        Path file = Files.createTempFile(f.dir, "counts", ".dump");
        try (java.sql.Connection c = f.ds.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(java.sql.Connection.TRANSACTION_REPEATABLE_READ);
            String snapshot = SchemaCatalog.one(c, "SELECT pg_export_snapshot()");
            // changes after the snapshot: neither count may see them
            f.exec("INSERT INTO p_1.notes (item_id, body) SELECT 1, 'late' FROM generate_series(1, 7)");
            List<String> args = new java.util.ArrayList<>(List.of("-Fc", "--snapshot=" + snapshot, "-f", file.toString()));
            schemas.forEach(x -> args.add("--schema=" + x));
            assertEquals(0, f.pg.run(ctx, f.pg.command("pg_dump", f.database, args), "test", null, null).exit());
            RowCounts counts = new RowCounts(f.ds, f.pg);
            Map<String, String> errors = new java.util.HashMap<>();
            Map<String, Map<String, Long>> server = counts.atSnapshot(ctx, snapshot, schemas, errors);
            Map<String, Map<String, Long>> archive = counts.fromArchive(ctx, file, SchemaCatalog.tables(c, schemas));
            assertEquals(Map.of(), errors);
            assertEquals(server, archive);
            assertEquals(200L, archive.get("p_1").get("notes"));
            c.rollback();
        } finally {
            f.exec("DELETE FROM p_1.notes WHERE body = 'late'");
            Files.deleteIfExists(file);
        }
    }
}
