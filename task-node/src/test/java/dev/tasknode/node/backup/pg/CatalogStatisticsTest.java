package dev.tasknode.node.backup.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.node.backup.BackupFixture;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.support.RecordingContext;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fleet of foreign keys created in a fresh database leaves the catalog statistics of template1 (a hundred
 * constraints, none a foreign key): the backup sees that, analyzes, and the planner then knows the real count.
 */
class CatalogStatisticsTest {
    @Test
    void aBackupAnalyzesCatalogsWhoseStatisticsDoNotKnowTheForeignKeys() throws Exception {
        try (BackupFixture f = new BackupFixture("tn_b_catstats")) {
            // 60 projects x 20 tables, 19 keys each: 1,140 foreign keys
            f.exec("CREATE SCHEMA shared; CREATE TABLE shared.projects (id text PRIMARY KEY)");
            f.exec("DO $$ DECLARE i int; j int; BEGIN FOR i IN 1..60 LOOP EXECUTE format('CREATE SCHEMA p_%s', i);"
                    + " EXECUTE format('CREATE TABLE p_%s.t1 (id int PRIMARY KEY)', i); FOR j IN 2..20 LOOP"
                    + " EXECUTE format('CREATE TABLE p_%s.t%s (id int PRIMARY KEY, up int REFERENCES p_%s.t%s (id))', i, j, i, j / 2);"
                    + " END LOOP; END LOOP; END $$");
            try (Connection c = f.ds.getConnection()) {
                assertTrue(CatalogStatistics.foreignKeysMisjudged(c), "the fresh database's statistics know no foreign keys");
                assertTrue(CatalogStatistics.stale(c).contains("pg_constraint"), CatalogStatistics.stale(c).toString());
            }
            RecordingContext ctx = new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of());
            Manifest m = f.backups.backup(ctx, Scope.ALL, "manual");
            assertEquals(Manifest.COMPLETE, m.status(), ctx.text());
            assertTrue(ctx.text().contains("catalog statistics were missing or stale"), ctx.text());
            try (Connection c = f.ds.getConnection()) {
                assertEquals(List.of(), CatalogStatistics.stale(c));
                assertTrue(!CatalogStatistics.foreignKeysMisjudged(c));
            }
            // fresh statistics: the next backup does not analyze again
            RecordingContext again = new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of());
            assertEquals(Manifest.COMPLETE, f.backups.backup(again, Scope.ALL, "manual").status());
            assertTrue(!again.text().contains("catalog statistics"), again.text());
        }
    }
}
