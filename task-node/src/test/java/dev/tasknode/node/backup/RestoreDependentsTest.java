package dev.tasknode.node.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.BackupDatabaseTask;
import dev.tasknode.node.backup.tasks.RestoreDatabaseTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Objects of other schemas that depend on a restored schema: views of projects over shared tables survive a restore
 * of shared (the same view, now reading the restored tables); what cannot be re-attached makes the restore fail and
 * put everything back instead of being dropped with the replaced copy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreDependentsTest {
    BackupFixture f;

    @BeforeAll
    void setUp() throws Exception {
        f = new BackupFixture("bk_dependents");
        f.createFleet(20, "1", "2");
        f.exec("DO $$ BEGIN CREATE ROLE bk_dependents_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            f.exec("DROP OWNED BY bk_dependents_reader; DROP ROLE bk_dependents_reader");
        } finally {
            f.close();
        }
    }

    private Manifest backupShared() throws Exception {
        RecordingContext ctx = new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of("param", "shared"));
        TaskOutcome o = new BackupDatabaseTask(f.backups, f.store).run(ctx);
        assertEquals(TaskStatus.SUCCEEDED, o.status(), ctx.text());
        return f.store.get(((BackupDatabaseTask.Result) o.result()).backupId());
    }

    private TaskOutcome restore(String spec) throws Exception {
        return new RestoreDatabaseTask(f.restore).run(new RecordingContext(TaskNames.RESTORE_DATABASE,
                Map.of("param", spec, "safety_backup", false)));
    }

    private String one(String sql) throws Exception {
        try (Connection c = f.ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void projectViewsOverSharedSurviveARestoreOfShared() throws Exception {
        f.exec("""
                CREATE VIEW p_1.project_names WITH (security_barrier = true) AS
                    SELECT p.id, p.name, (SELECT count(*) FROM p_1.items i WHERE i.project_id = p.id) AS items
                    FROM shared.projects p;
                CREATE VIEW p_1.named_settings AS SELECT s.k, s.v ->> 'n' AS n FROM shared.settings s WHERE s.k LIKE 'k1%';
                CREATE VIEW p_1.first_names AS SELECT name FROM p_1.project_names ORDER BY id LIMIT 1;
                COMMENT ON VIEW p_1.project_names IS 'names of all projects';
                GRANT SELECT ON p_1.project_names TO bk_dependents_reader;
                """);
        String oid = one("SELECT 'p_1.project_names'::regclass::oid::text");
        Map<String, String> before = f.state();
        String namesBefore = one("SELECT string_agg(name || ':' || items, ',' ORDER BY id) FROM p_1.project_names");
        Manifest m = backupShared();
        f.exec("UPDATE shared.projects SET name = 'renamed'; DELETE FROM shared.settings WHERE k = 'k10'");

        TaskOutcome o = restore(m.id() + ":shared");

        assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
        assertEquals(before, f.state());
        // the same view object (grants, comment, the view built on it are kept), reading the restored tables
        assertEquals(oid, one("SELECT 'p_1.project_names'::regclass::oid::text"));
        assertEquals(namesBefore, one("SELECT string_agg(name || ':' || items, ',' ORDER BY id) FROM p_1.project_names"));
        assertEquals("project 1", one("SELECT name FROM p_1.first_names"));
        assertEquals("11", one("SELECT count(*)::text FROM p_1.named_settings"), "k1, k10..k19 as backed up");
        assertEquals("names of all projects", one("SELECT obj_description('p_1.project_names'::regclass, 'pg_class')"));
        assertEquals("true", one("SELECT has_table_privilege('bk_dependents_reader', 'p_1.project_names', 'SELECT')::text"));
        assertEquals("{security_barrier=true}", one("SELECT reloptions::text FROM pg_class WHERE oid = 'p_1.project_names'::regclass"));
        assertEquals("shared", one("SELECT DISTINCT n.nspname FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
                + " JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " WHERE r.ev_class = 'p_1.named_settings'::regclass AND d.refclassid = 'pg_class'::regclass"
                + " AND t.oid <> 'p_1.named_settings'::regclass"));
        assertEquals(List.of(), f.schemasLike("\\_restore%"));
        f.exec("DROP VIEW p_1.first_names, p_1.project_names, p_1.named_settings");
    }

    @Test
    void whatCannotBeReattachedFailsTheRestoreInsteadOfBeingDropped() throws Exception {
        // a project column typed with a shared enum: DROP SCHEMA … CASCADE of the replaced shared would drop the column
        f.exec("""
                CREATE TYPE shared.mood AS ENUM ('happy', 'sad');
                CREATE TABLE p_2.moods (id int PRIMARY KEY, mood shared.mood);
                INSERT INTO p_2.moods VALUES (1, 'happy'), (2, 'sad');
                """);
        try {
            Manifest m = backupShared();
            f.exec("UPDATE shared.projects SET name = 'changed after the backup'");
            Map<String, String> before = f.state();

            TaskOutcome o = restore(m.id() + ":shared");

            assertEquals(TaskStatus.FAILED, o.status(), o.summary());
            assertTrue(o.summary().contains("p_2.moods.mood") && o.summary().contains("depend"), o.summary());
            assertEquals(before, f.state(), "shared as it was, p_2.moods with its column and rows");
            assertEquals("shared.mood", one("SELECT atttypid::regtype::text FROM pg_attribute"
                    + " WHERE attrelid = 'p_2.moods'::regclass AND attname = 'mood'"));
            assertEquals(List.of(), f.schemasLike("\\_restore%"));
            assertEquals(0, f.count("SELECT count(*) FROM tasknode.backup_restore_journal"));
        } finally {
            f.exec("DROP TABLE IF EXISTS p_2.moods; DROP TYPE IF EXISTS shared.mood");
        }
    }
}
