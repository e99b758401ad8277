package dev.tasknode.node.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.dump.BackupService;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.PruneBackupsTask;
import dev.tasknode.node.backup.tasks.ShowBackupTask;
import dev.tasknode.node.backup.tasks.VerifyBackupTask;
import dev.tasknode.node.db.SchemaFingerprints;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskLauncher;
import dev.tasknode.node.task.TaskOutcome;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.health.contributor.Status;

/** The smaller tasks and the plumbing around them: show, verify, prune, health, metrics, scheduler, pre-migration. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupTasksTest {
    BackupFixture f;

    @BeforeAll
    void setUp() throws Exception {
        f = new BackupFixture("bk_tasks");
        f.createFleet(50, "1", "2");
    }

    @AfterAll
    void tearDown() {
        f.close();
    }

    @Test
    void showAndVerify() throws Exception {
        Manifest m = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual");
        TaskOutcome show = new ShowBackupTask(f.store).run(new RecordingContext(TaskNames.SHOW_BACKUP, Map.of("backup_id", m.id())));
        ShowBackupTask.Result r = (ShowBackupTask.Result) show.result();
        assertTrue(r.valid());
        assertEquals(m.id(), r.manifest().id());
        assertEquals(1, r.manifest().formatVersion());
        assertNotNull(r.manifest().serverVersion());
        assertTrue(r.manifest().pgDumpVersion().contains("pg_dump"));
        TaskOutcome v = new VerifyBackupTask(f.store, f.pg, f.ds, f.beans.getBeanProvider(SchemaFingerprints.class))
                .run(new RecordingContext(TaskNames.VERIFY_BACKUP, Map.of("backup_id", m.id())));
        assertEquals(TaskStatus.SUCCEEDED, v.status(), v.summary());
        assertEquals(3, ((VerifyBackupTask.Result) v.result()).schemasChecked());
        assertThrows(TaskFailedException.class, () -> new ShowBackupTask(f.store)
                .run(new RecordingContext(TaskNames.SHOW_BACKUP, Map.of("backup_id", "19990101_000000"))));
    }

    @Test
    void fingerprintsAreRecordedWhenTheEngineProvidesThem() throws Exception {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("fp", (SchemaFingerprints) (c, schemas) -> {
            Map<String, String> out = new java.util.HashMap<>();
            schemas.forEach(s -> out.put(s, "fp-" + s));
            return out;
        });
        BackupService withFp = new BackupService(f.ds, f.fleet, f.store, f.pg, beans.getBeanProvider(SchemaFingerprints.class), f.metrics);
        Manifest m = withFp.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.SHARED, "manual");
        assertEquals("fp-shared", m.schema("shared").orElseThrow().fingerprint());
    }

    @Test
    void prunePlanKeepsTheNewestCompleteAndRecentOnes() {
        LocalDateTime now = LocalDateTime.of(2026, 11, 24, 12, 0);
        List<Manifest> all = List.of(m("20261124_110000", Manifest.PARTIAL), m("20261124_100000", Manifest.COMPLETE),
                m("20261123_100000", Manifest.COMPLETE), m("20261120_100000", Manifest.FAILED),
                m("20261110_100000", Manifest.COMPLETE), m("20261001_100000", Manifest.COMPLETE));
        assertEquals(List.of("20261120_100000", "20261110_100000", "20261001_100000"), PruneBackupsTask.plan(all, 2, null, now));
        assertEquals(List.of("20261110_100000", "20261001_100000"), PruneBackupsTask.plan(all, null, 7, now));
        assertEquals(List.of("20261001_100000"), PruneBackupsTask.plan(all, 3, 7, now));
        assertEquals(List.of("20261123_100000", "20261120_100000", "20261110_100000", "20261001_100000"),
                PruneBackupsTask.plan(all, 1, null, now));
    }

    private static Manifest m(String id, String status) {
        return new Manifest(1, id, Manifest.TASKNODE, status, "all", "manual", null, null, null, null, null, null, null,
                List.of(), List.of());
    }

    @Test
    void pruneTaskDeletesForReal() throws Exception {
        for (int i = 0; i < 3; i++) {
            f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.SHARED, "manual");
        }
        int before = f.store.list().size();
        TaskOutcome dry = new PruneBackupsTask(f.store, f.props, f.replaced).run(new RecordingContext(TaskNames.PRUNE_BACKUPS,
                Map.of("keep_last", 1, "dry_run", true)));
        assertEquals(before, f.store.list().size());
        List<?> wouldDelete = ((PruneBackupsTask.Result) dry.result()).deleted();
        assertFalse(wouldDelete.isEmpty());
        new PruneBackupsTask(f.store, f.props, f.replaced).run(new RecordingContext(TaskNames.PRUNE_BACKUPS, Map.of("keep_last", 1)));
        assertEquals(before - wouldDelete.size(), f.store.list().size());
        assertEquals(Manifest.COMPLETE, f.store.list().get(0).status());
    }

    @Test
    void healthWarnsWhenTheDirectoryIsMissing() throws Exception {
        assertEquals(Status.UP, new BackupHealthIndicator(f.store, f.metrics).health().getStatus());
        Path real = f.props.getDir();
        f.props.setDir(real.resolve("missing"));
        try {
            assertEquals("WARNING", new BackupHealthIndicator(f.store, f.metrics).health().getStatus().getCode());
            TaskFailedException e = assertThrows(TaskFailedException.class, () -> f.backups.backup(
                    new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.SHARED, "manual"));
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        } finally {
            f.props.setDir(real);
        }
    }

    @Test
    void metricsUseBaseUnitsAndBoundedTags() throws Exception {
        f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), new Scope.Project("2"), "manual");
        var reg = f.metrics.registry();
        double last = reg.get("tasknode.backup.last.success.timestamp").tag("scope", "project").gauge().value();
        assertTrue(Math.abs(last - Instant.now().getEpochSecond()) < 120, "epoch seconds: " + last);
        assertTrue(reg.get("tasknode.backup.size").tag("scope", "project").gauge().value() > 0);
        assertEquals("bytes", reg.get("tasknode.backup.size").gauge().getId().getBaseUnit());
        assertTrue(reg.get("tasknode.backup.duration").tag("scope", "project").timer().count() >= 1);
        reg.getMeters().forEach(meter -> meter.getId().getTags().forEach(t ->
                assertTrue(Set.of("scope", "status").contains(t.getKey()), t.toString())));
    }

    @Test
    void schedulerLaunchesEachSlotOnce() {
        Map<String, String> known = new ConcurrentHashMap<>();
        TaskLauncher launcher = (id, task, params, by) -> known.putIfAbsent(id, task) == null;
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("launcher", launcher);
        // two replicas, one slot
        BackupScheduler a = new BackupScheduler(f.props, beans.getBeanProvider(TaskLauncher.class), f.store);
        BackupScheduler b = new BackupScheduler(f.props, beans.getBeanProvider(TaskLauncher.class), f.store);
        Instant slot = Instant.parse("2026-11-24T02:00:00Z");
        List<Boolean> started = new ArrayList<>(List.of(a.fire(TaskNames.BACKUP_DATABASE, slot), b.fire(TaskNames.BACKUP_DATABASE, slot)));
        assertEquals(List.of(true, false), started);
        assertEquals("scheduled-backup_database-20261124T020000Z", known.keySet().iterator().next());
    }

    @Test
    void preMigrationBackupOfExistingSchemas() throws Exception {
        String id = new BackupPreMigration(f.backups, f.ds).backupBeforeMigration(
                new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), List.of("p_1", "p_99"));
        Manifest m = f.store.get(id);
        assertEquals(List.of("p_1"), m.okSchemas());
        assertEquals("pre_migration", m.reason());
    }
}
