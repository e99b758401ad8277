package dev.tasknode.node.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.restore.RestoreService;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.ListBackupsTask;
import dev.tasknode.node.backup.tasks.RestoreDatabaseTask;
import dev.tasknode.node.backup.tasks.ShowBackupTask;
import dev.tasknode.node.backup.tasks.VerifyBackupTask;
import dev.tasknode.node.db.SchemaFingerprints;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskOutcome;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Python prototype's backups: flat {@code backup_manifest_<ts>.json} + gzipped plain-SQL dumps made exactly as
 * the prototype made them ({@code pg_dump --schema=<s> --format=plain --no-owner --no-acl | gzip}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupPrototypeTest {
    static final String TS = "20250520_123456";
    BackupFixture f;
    Map<String, String> original;

    @BeforeAll
    void setUp() throws Exception {
        f = new BackupFixture("bk_proto");
        f.createFleet(150, "1", "2");
        original = f.state();
        long shared = dump("shared", "backup_" + TS + "_shared.sql.gz");
        long p1 = dump("p_1", "backup_" + TS + "_project_1.sql.gz");
        long p2 = dump("p_2", "backup_" + TS + "_project_2.sql.gz");
        Files.writeString(f.dir.resolve("backup_manifest_" + TS + ".json"), """
                {"timestamp": "%1$s", "backups": {
                  "shared": {"filename": "backup_%1$s_shared.sql.gz", "filepath": "/opt/carrier/backup/backup_%1$s_shared.sql.gz", "timestamp": "%1$s", "size": %2$d},
                  "1": {"filename": "backup_%1$s_project_1.sql.gz", "filepath": "/old/place/backup_%1$s_project_1.sql.gz", "timestamp": "%1$s", "size": %3$d},
                  "2": {"filename": "backup_%1$s_project_2.sql.gz", "filepath": "/old/place/backup_%1$s_project_2.sql.gz", "timestamp": "%1$s", "size": %4$d}}}
                """.formatted(TS, shared, p1, p2));
        // every dump failed: an empty manifest; and one whose file went missing
        Files.writeString(f.dir.resolve("backup_manifest_20250101_000000.json"), "{\"timestamp\": \"20250101_000000\", \"backups\": {}}");
        Files.writeString(f.dir.resolve("backup_manifest_20250102_000000.json"), """
                {"timestamp": "20250102_000000", "backups": {"7": {"filename": "backup_20250102_000000_project_7.sql.gz",
                 "filepath": "/x", "timestamp": "20250102_000000", "size": 10}}}""");
    }

    private long dump(String schema, String file) throws Exception {
        List<String> cmd = f.pg.command("pg_dump", f.database, List.of("--schema=" + schema, "--format=plain", "--no-owner", "--no-acl"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path out = f.dir.resolve(file);
        try (InputStream in = p.getInputStream(); OutputStream os = new GZIPOutputStream(Files.newOutputStream(out))) {
            in.transferTo(os);
        }
        assertEquals(0, p.waitFor());
        return Files.size(out);
    }

    @AfterAll
    void tearDown() {
        f.close();
    }

    @Test
    void listedWithStatusAndValidity() throws Exception {
        ListBackupsTask.Result r = (ListBackupsTask.Result) new ListBackupsTask(f.store, f.replaced)
                .run(new RecordingContext(TaskNames.LIST_BACKUPS, Map.of())).result();
        ListBackupsTask.Entry e = r.backups().stream().filter(b -> b.id().equals(TS)).findFirst().orElseThrow();
        assertEquals(Manifest.PROTOTYPE, e.format());
        assertEquals(Manifest.COMPLETE, e.status());
        assertTrue(e.valid(), e.problems().toString());
        assertEquals(3, e.schemas());
        ListBackupsTask.Entry empty = r.backups().stream().filter(b -> b.id().equals("20250101_000000")).findFirst().orElseThrow();
        assertEquals(Manifest.FAILED, empty.status());
        ListBackupsTask.Entry missing = r.backups().stream().filter(b -> b.id().equals("20250102_000000")).findFirst().orElseThrow();
        assertFalse(missing.valid());
        // newest first
        List<String> ids = r.backups().stream().map(ListBackupsTask.Entry::id).toList();
        assertEquals(ids.stream().sorted(java.util.Comparator.reverseOrder()).toList(), ids);
        TaskOutcome show = new ShowBackupTask(f.store).run(new RecordingContext(TaskNames.SHOW_BACKUP, Map.of("param", TS)));
        assertEquals(List.of("shared", "p_1", "p_2"), ((ShowBackupTask.Result) show.result()).manifest().okSchemas());
    }

    @Test
    void restoreOneProjectThenEverything() throws Exception {
        f.exec("DELETE FROM p_1.notes WHERE id % 2 = 0; UPDATE shared.settings SET v = 'null'; DROP SCHEMA p_2 CASCADE");
        TaskOutcome o = new RestoreDatabaseTask(f.restore).run(new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", TS + ":1")));
        assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
        assertEquals(original.entrySet().stream().filter(e -> e.getKey().startsWith("p_1.")).toList(),
                f.state().entrySet().stream().filter(e -> e.getKey().startsWith("p_1.")).toList());
        o = new RestoreDatabaseTask(f.restore).run(new RecordingContext(TaskNames.RESTORE_DATABASE,
                Map.of("param", TS, "safety_dump", true)));
        assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
        assertEquals(original, f.state());
        assertEquals(List.of(), f.schemasLike("%restore%"));
        assertEquals(2, f.count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
                + " AND confrelid = 'shared.projects'::regclass"));
        // the safety backup taken before is one of ours, complete
        String safety = ((RestoreService.RestoreResult) o.result()).safetyBackup();
        assertEquals(Manifest.TASKNODE, f.store.get(safety).format());
    }

    @Test
    void refusesWhatItCannotRestore() throws Exception {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> new RestoreDatabaseTask(f.restore)
                .run(new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", "20250101_000000"))));
        assertEquals(ErrorCode.NOT_FOUND, e.error().code());
        e = assertThrows(TaskFailedException.class, () -> new RestoreDatabaseTask(f.restore)
                .run(new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", "20250102_000000:7"))));
        assertEquals(ErrorCode.NOT_FOUND, e.error().code());
    }

    @Test
    void verifiesInAScratchDatabase() throws Exception {
        TaskOutcome v = new VerifyBackupTask(f.store, f.pg, f.ds, f.beans.getBeanProvider(SchemaFingerprints.class))
                .run(new RecordingContext(TaskNames.VERIFY_BACKUP, Map.of("param", TS)));
        assertEquals(TaskStatus.SUCCEEDED, v.status(), v.summary());
        assertEquals(0, f.count("SELECT count(*) FROM pg_database WHERE datname LIKE 'tn_verify_%" + TS + "%'"));
    }
}
