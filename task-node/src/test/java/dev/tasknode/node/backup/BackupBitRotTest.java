package dev.tasknode.node.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.ListBackupsTask;
import dev.tasknode.node.backup.tasks.RestoreDatabaseTask;
import dev.tasknode.node.backup.tasks.ShowBackupTask;
import dev.tasknode.node.backup.tasks.VerifyBackupTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskOutcome;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 11: bit rot keeps a file's size and modification time. After list_backups has cached the checksums, 8
 * overwritten bytes in the middle of a dump must still stop show, verify and restore — before any schema is touched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupBitRotTest {
    BackupFixture f;

    @BeforeAll
    void setUp() throws Exception {
        f = new BackupFixture("tnrel_bitrot");
        f.createFleet(200, "1", "2", "3", "4", "5");
    }

    @AfterAll
    void tearDown() {
        f.close();
    }

    private ListBackupsTask.Entry listed(String id) throws Exception {
        ListBackupsTask.Result r = (ListBackupsTask.Result) new ListBackupsTask(f.store, f.replaced)
                .run(new RecordingContext(TaskNames.LIST_BACKUPS, Map.of())).result();
        return r.backups().stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void eightBytesOverwrittenKeepingSizeAndTimeAreFoundDespiteTheCache() throws Exception {
        Manifest m = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual");
        assertEquals(Manifest.COMPLETE, m.status());
        ListBackupsTask.Entry first = listed(m.id());
        assertTrue(first.valid());

        Path file = f.dir.resolve(m.id()).resolve(m.schema("p_1").orElseThrow().file());
        FileTime mtime = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            byte[] b = new byte[8];
            raf.readFully(b);
            for (int i = 0; i < b.length; i++) {
                b[i] ^= 0x5a;
            }
            raf.seek(raf.length() / 2);
            raf.write(b);
        }
        Files.setLastModifiedTime(file, mtime);
        assertEquals(size, Files.size(file));

        // list_backups may keep its cache, but says that it did
        ListBackupsTask.Entry again = listed(m.id());
        assertTrue(again.cached(), "the entry says its checksums came from the cache");

        ShowBackupTask.Result shown = (ShowBackupTask.Result) new ShowBackupTask(f.store)
                .run(new RecordingContext(TaskNames.SHOW_BACKUP, Map.of("param", m.id()))).result();
        assertFalse(shown.valid(), "show_backup hashes in full");

        f.exec("UPDATE p_1.items SET payload = 'changed' WHERE id = 1");
        Map<String, String> before = f.state();
        for (String spec : List.of(m.id() + ":1", m.id())) {
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> new RestoreDatabaseTask(f.restore)
                    .run(new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", spec))), spec);
            assertTrue(e.getMessage().contains("sha256"), e.getMessage());
            assertTrue(e.getMessage().contains("nothing was touched"), e.getMessage());
            assertEquals(before, f.state(), "no schema replaced by " + spec);
        }
        TaskOutcome v = new VerifyBackupTask(f.store, f.pg, f.ds, f.beans.getBeanProvider(dev.tasknode.node.db.SchemaFingerprints.class))
                .run(new RecordingContext(TaskNames.VERIFY_BACKUP, Map.of("param", m.id())));
        assertEquals(TaskStatus.FAILED, v.status());
        // a fresh full check refreshed the cache: list_backups now knows too
        assertFalse(listed(m.id()).valid());
    }
}
