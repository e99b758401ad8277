package dev.tasknode.node.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.restore.RestoreService;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.RestoreDatabaseTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskLog;
import dev.tasknode.node.task.TaskOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** restore_database of everything: one failing schema fails alone; a cancelled run ends cancelled, nothing half done. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreAllTest {
    BackupFixture f;

    @BeforeAll
    void setUp() throws Exception {
        f = new BackupFixture("bk_restoreall");
        f.createFleet(50, "1", "2", "3", "4", "5");
    }

    @AfterAll
    void tearDown() {
        f.close();
    }

    private Manifest backupAll() throws Exception {
        Manifest m = f.backups.backup(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()), Scope.ALL, "manual");
        assertEquals(Manifest.COMPLETE, m.status());
        return m;
    }

    /** Changes every schema, so a restored one and one left as it was can be told apart. */
    private void changeEverything(String mark) throws Exception {
        StringBuilder sql = new StringBuilder("UPDATE shared.settings SET v = '{\"mark\": \"" + mark + "\"}' WHERE k = 'k1';");
        for (int i = 1; i <= 5; i++) {
            sql.append("UPDATE p_").append(i).append(".items SET payload = '").append(mark).append("' WHERE id <= 3;");
        }
        f.exec(sql.toString());
    }

    private static Map<String, String> of(Map<String, String> state, String schema) {
        return state.entrySet().stream().filter(e -> e.getKey().startsWith(schema + "."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    private static Map<String, String> outcomes(TaskOutcome o) {
        Map<String, String> out = new TreeMap<>();
        ((RestoreService.RestoreResult) o.result()).schemas().forEach(r -> out.put(r.schema(), r.outcome()));
        return out;
    }

    private void assertNothingLeftOver() throws Exception {
        assertEquals(List.of(), f.schemasLike("\\_restore%"));
        assertEquals(0, f.count("SELECT count(*) FROM tasknode.backup_restore_journal"));
    }

    @Test
    void oneFailingSchemaFailsAloneAndTheRunIsPartial() throws Exception {
        Map<String, String> backedUp = f.state();
        Manifest m = backupAll();
        // p_3's manifest row count disagrees with its archive: its validation fails, it must be put back
        Path mf = f.dir.resolve(m.id()).resolve("manifest.json");
        String json = Files.readString(mf);
        int at = json.indexOf("\"schema\" : \"p_3\"");
        String fixed = json.substring(0, at) + json.substring(at).replaceFirst("\"items\" : 50", "\"items\" : 51");
        assertNotEquals(json, fixed);
        Files.writeString(mf, fixed);
        changeEverything("live");
        Map<String, String> live = f.state();

        RecordingContext ctx = new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", m.id(), "safety_backup", false));
        TaskOutcome o = new RestoreDatabaseTask(f.restore).run(ctx);

        assertEquals(TaskStatus.PARTIAL, o.status(), ctx.text());
        assertEquals(ErrorCode.TASK_FAILED, o.error().code());
        assertTrue(o.summary().contains("restored 5 of 6") && o.summary().contains("p_3"), o.summary());
        assertEquals(Map.of("shared", "restored", "p_1", "restored", "p_2", "restored", "p_3", "failed",
                "p_4", "restored", "p_5", "restored"), outcomes(o));
        Map<String, String> after = f.state();
        for (String s : List.of("shared", "p_1", "p_2", "p_4", "p_5")) {
            assertEquals(of(backedUp, s), of(after, s), s + " restored");
        }
        assertEquals(of(live, "p_3"), of(after, "p_3"), "p_3 as it was");
        assertNothingLeftOver();
        // every project's foreign key into shared is there and enforced
        assertEquals(5, f.count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"
                + " AND confrelid = 'shared.projects'::regclass"));
    }

    /**
     * A project of a batch that a view of another schema reads cannot be finished with the rest of its batch (the
     * view must be re-pointed at the restored tables, or dropping the copy would drop it): it is finished on its own,
     * the view keeps working on the restored data, and the rest of the batch is finished together.
     */
    @Test
    void aProjectOfABatchThatAnotherSchemasViewReadsIsFinishedOnItsOwnAndTheViewRepointed() throws Exception {
        Map<String, String> backedUp = f.state();
        Manifest m = backupAll();
        changeEverything("view");
        f.exec("INSERT INTO p_3.items (project_id, payload) VALUES ('3', 'after the backup');"
                + " CREATE SCHEMA reports; CREATE VIEW reports.items_of_3 AS SELECT count(*) AS n FROM p_3.items");
        long before = f.count("SELECT n FROM reports.items_of_3");
        try {
            RecordingContext ctx = new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", m.id(), "safety_backup", false));
            TaskOutcome o = new RestoreDatabaseTask(f.restore).run(ctx);
            assertEquals(TaskStatus.SUCCEEDED, o.status(), ctx.text());
            assertEquals(backedUp, f.state());
            assertTrue(ctx.text().contains("re-attached 0 foreign key(s) and 1 view(s) of other schemas to p_3"), ctx.text());
            assertTrue(ctx.text().contains(" one by one)"), ctx.text());
            assertEquals(f.count("SELECT count(*) FROM p_3.items"), f.count("SELECT n FROM reports.items_of_3"));
            assertNotEquals(before, f.count("SELECT n FROM reports.items_of_3"), "the view reads the restored table");
            assertNothingLeftOver();
        } finally {
            f.exec("DROP SCHEMA reports CASCADE");
        }
    }

    @Test
    void aBatchWhoseLoadFailsIsPutBackAndRestoredOneByOneSoOnlyTheBrokenSchemaFails() throws Exception {
        // p_3's archive gives a table to a role that no longer exists when restoring: pg_restore --exit-on-error stops.
        // p_3 shares its archive (and so its pg_restore) with another project, which must still be restored.
        String role = dev.tasknode.testing.TestEndpoints.uniqueName("tn_b_gone");
        f.exec("CREATE ROLE " + role + "; ALTER TABLE p_3.notes OWNER TO " + role);
        Map<String, String> backedUp = f.state();
        Manifest m;
        try {
            m = backupAll();
        } finally {
            f.exec("ALTER TABLE p_3.notes OWNER TO CURRENT_USER; DROP ROLE " + role);
        }
        String partner = m.files().stream().filter(x -> x.schemas().contains("p_3")).findFirst().orElseThrow()
                .schemas().stream().filter(x -> !x.equals("p_3")).findFirst().orElseThrow();
        changeEverything("owner");
        Map<String, String> live = f.state();

        RecordingContext ctx = new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", m.id(), "safety_backup", false));
        TaskOutcome o = new RestoreDatabaseTask(f.restore).run(ctx);

        assertEquals(TaskStatus.PARTIAL, o.status(), ctx.text());
        Map<String, String> want = new TreeMap<>(Map.of("shared", "restored", "p_1", "restored", "p_2", "restored",
                "p_4", "restored", "p_5", "restored"));
        want.put("p_3", "failed");
        assertEquals(want, outcomes(o));
        assertTrue(ctx.text().contains("restoring them one by one"), ctx.text());
        Map<String, String> after = f.state();
        assertEquals(of(backedUp, partner), of(after, partner), partner + " restored although its archive's pg_restore failed");
        assertEquals(of(live, "p_3"), of(after, "p_3"), "p_3 as it was");
        assertNothingLeftOver();
    }

    @Test
    void cancelledRunEndsCancelledWithEverySchemaRestoredOrAsItWas() throws Exception {
        Map<String, String> backedUp = f.state();
        Manifest m = backupAll();
        changeEverything("before-cancel");
        Map<String, String> live = f.state();
        // one worker, so the order is known: shared and p_1 (each alone in its archive), then p_2 + p_3 (one archive, one
        // pg_restore), then p_4 + p_5. Cancel once p_2 and p_3 are both moved aside: their pg_restore is killed (or
        // never starts), both are put back; p_4 and p_5 are never started
        RecordingContext ctx = new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", m.id(), "safety_backup", false)) {
            @Override
            public TaskLog log() {
                TaskLog inner = super.log();
                return new TaskLog() {
                    @Override
                    public void info(String message) {
                        inner.info(message);
                        if (message.startsWith("batch-0002.dump: moved 2 schema(s) aside")) { // p_2 and p_3, in one transaction
                            cancel();
                        }
                    }

                    @Override
                    public void warn(String message) {
                        inner.warn(message);
                    }

                    @Override
                    public void error(String message) {
                        inner.error(message);
                    }
                };
            }
        };
        f.props.setWorkers(1);
        TaskOutcome o;
        try {
            o = new RestoreDatabaseTask(f.restore).run(ctx);
        } finally {
            f.props.setWorkers(3);
        }

        assertEquals(TaskStatus.CANCELLED, o.status(), ctx.text());
        assertEquals(ErrorCode.CANCELLED, o.error().code());
        assertEquals(Map.of("shared", "restored", "p_1", "restored", "p_2", "cancelled", "p_3", "cancelled",
                "p_4", "cancelled", "p_5", "cancelled"), outcomes(o));
        Map<String, String> after = f.state();
        for (String s : List.of("shared", "p_1")) {
            assertEquals(of(backedUp, s), of(after, s), s + " restored");
        }
        for (String s : List.of("p_2", "p_3", "p_4", "p_5")) {
            assertEquals(of(live, s), of(after, s), s + " as it was");
        }
        assertTrue(ctx.text().contains("batch-0002.dump: moved 2 schema(s) aside") && ctx.text().contains("p_2 -> _restore_p_2_")
                        && ctx.text().contains("p_3 -> _restore_p_3_"),
                "p_2 and p_3 were under way when cancelled:\n" + ctx.text());
        assertNothingLeftOver();
    }

    @Test
    void parallelRestoreOfEverythingMatchesTheBackup() throws Exception {
        Map<String, String> backedUp = f.state();
        Manifest m = backupAll();
        changeEverything("parallel");
        f.exec("DROP SCHEMA p_4 CASCADE");
        RecordingContext ctx = new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", m.id()));
        TaskOutcome o = new RestoreDatabaseTask(f.restore).run(ctx);
        assertEquals(TaskStatus.SUCCEEDED, o.status(), ctx.text());
        assertEquals(backedUp, f.state());
        assertNothingLeftOver();
    }
}
