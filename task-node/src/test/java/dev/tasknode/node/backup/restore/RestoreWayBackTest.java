package dev.tasknode.node.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.BackupFixture;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.ListBackupsTask;
import dev.tasknode.node.backup.tasks.PruneBackupsTask;
import dev.tasknode.node.backup.tasks.RestoreDatabaseTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskOutcome;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The default way back of a restore: the replaced schema is kept (renamed, journaled in backup_replaced), no pg_dump
 * is taken, list_backups shows it, the documented two renames undo the restore, prune_backups drops it in time.
 */
class RestoreWayBackTest {
    private static Map<String, String> of(Map<String, String> state, String schema) {
        return state.entrySet().stream().filter(e -> e.getKey().startsWith(schema + "."))
                .collect(Collectors.toMap(e -> e.getKey().substring(e.getKey().indexOf('.')), Map.Entry::getValue,
                        (a, b) -> a, TreeMap::new));
    }

    @Test
    void theReplacedSchemaIsKeptListedUndoableAndPruned() throws Exception {
        try (BackupFixture f = new BackupFixture("tn_b_wayback")) {
            f.createFleet(20, "1", "2");
            Map<String, String> backedUp = f.state();
            Manifest m = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual");
            f.exec("DELETE FROM p_1.notes WHERE id > 5; UPDATE p_1.items SET payload = 'live'");
            Map<String, String> live = f.state();
            int backups = f.store.list().size();

            RecordingContext ctx = new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", m.id() + ":1"));
            TaskOutcome o = new RestoreDatabaseTask(f.restore).run(ctx);

            assertEquals(TaskStatus.SUCCEEDED, o.status(), ctx.text());
            RestoreService.RestoreResult r = (RestoreService.RestoreResult) o.result();
            assertNull(r.safetyBackup(), "no pg_dump by default");
            assertEquals(backups, f.store.list().size(), "no safety backup written");
            assertEquals(1, r.kept().size(), r.toString());
            String kept = r.kept().get(0);
            assertTrue(kept.startsWith("_replaced_p_1_"), kept);
            assertEquals(of(backedUp, "p_1"), of(f.state(), "p_1"), "p_1 restored");
            assertEquals(of(live, "p_1"), of(f.state(true), kept), "the kept copy holds what was replaced");
            // its key into shared is detached (recorded to re-add): it neither blocks nor follows shared
            assertEquals(1, f.count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'shared.projects'::regclass"
                    + " AND connamespace = 'p_1'::regnamespace"));
            assertEquals(0, f.count("SELECT count(*) FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid WHERE k.contype = 'f'"
                    + " AND k.connamespace = '" + kept + "'::regnamespace AND r.relnamespace <> k.connamespace"));
            assertEquals(1, f.count("SELECT cardinality(foreign_keys) FROM tasknode.backup_replaced"));
            assertEquals(0, f.count("SELECT count(*) FROM tasknode.backup_restore_journal"));
            assertEquals(List.of(), f.schemasLike("\\_restore%"));

            ListBackupsTask.Result list = (ListBackupsTask.Result) new ListBackupsTask(f.store, f.replaced)
                    .run(new RecordingContext(TaskNames.LIST_BACKUPS, Map.of())).result();
            assertEquals(1, list.replaced().size());
            ReplacedCopies.Copy copy = list.replaced().get(0);
            assertEquals(List.of(kept, "p_1", m.id(), true), List.of(copy.kept(), copy.schema(), copy.backupId(), copy.exists()));
            assertEquals(r.keptUntil(), copy.keepUntil());

            // nothing is expired yet: prune leaves it
            PruneBackupsTask prune = new PruneBackupsTask(f.store, f.props, f.replaced);
            PruneBackupsTask.Result p = (PruneBackupsTask.Result) prune.run(new RecordingContext(TaskNames.PRUNE_BACKUPS,
                    Map.of("keep_last", 10))).result();
            assertEquals(List.of(), p.droppedReplaced());

            // the documented way back: two renames, then the recorded foreign keys
            f.exec("ALTER SCHEMA p_1 RENAME TO p_1_restored; ALTER SCHEMA " + kept + " RENAME TO p_1;"
                    + " DO $$ DECLARE s text; BEGIN FOR s IN SELECT unnest(foreign_keys) FROM tasknode.backup_replaced"
                    + " WHERE kept_name = '" + kept + "' LOOP EXECUTE s; END LOOP; END $$");
            assertEquals(of(live, "p_1"), of(f.state(), "p_1"), "undone by hand");
            assertEquals(1, f.count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
                    + " AND confrelid = 'shared.projects'::regclass AND connamespace = 'p_1'::regnamespace"));
            f.exec("DROP SCHEMA p_1 CASCADE; ALTER SCHEMA p_1_restored RENAME TO p_1;"
                    + " CREATE SCHEMA " + kept);

            // its time is up: a dry run lists it, prune drops schema and row
            f.exec("UPDATE tasknode.backup_replaced SET keep_until = now() - interval '1 minute'");
            p = (PruneBackupsTask.Result) prune.run(new RecordingContext(TaskNames.PRUNE_BACKUPS,
                    Map.of("keep_last", 10, "dry_run", true))).result();
            assertEquals(List.of(kept), p.droppedReplaced());
            assertEquals(1, f.schemasLike("\\_replaced%").size());
            p = (PruneBackupsTask.Result) prune.run(new RecordingContext(TaskNames.PRUNE_BACKUPS, Map.of("keep_last", 10))).result();
            assertEquals(List.of(kept), p.droppedReplaced());
            assertEquals(List.of(), f.schemasLike("\\_replaced%"));
            assertEquals(0, f.count("SELECT count(*) FROM tasknode.backup_replaced"));

            // safety_backup=false: dropped at once; safety_dump=true: a pg_dump as well as the kept copy
            o = new RestoreDatabaseTask(f.restore).run(new RecordingContext(TaskNames.RESTORE_DATABASE,
                    Map.of("param", m.id() + ":2", "safety_backup", false)));
            assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
            assertEquals(List.of(), ((RestoreService.RestoreResult) o.result()).kept());
            assertEquals(List.of(), f.schemasLike("\\_replaced%"));
            o = new RestoreDatabaseTask(f.restore).run(new RecordingContext(TaskNames.RESTORE_DATABASE,
                    Map.of("param", m.id() + ":2", "safety_dump", true)));
            r = (RestoreService.RestoreResult) o.result();
            assertEquals(Manifest.COMPLETE, f.store.get(r.safetyBackup()).status());
            assertEquals(1, r.kept().size());
        }
    }
}
