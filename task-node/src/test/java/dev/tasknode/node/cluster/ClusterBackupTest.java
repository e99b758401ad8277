package dev.tasknode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.BackupClusters;
import dev.tasknode.node.backup.dump.BackupService;
import dev.tasknode.node.backup.restore.ReplacedCopies;
import dev.tasknode.node.backup.restore.RestoreService;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.BackupDatabaseTask;
import dev.tasknode.node.backup.tasks.ListBackupsTask;
import dev.tasknode.node.backup.tasks.RestoreDatabaseTask;
import dev.tasknode.node.backup.tasks.ShowBackupTask;
import dev.tasknode.node.backup.tasks.VerifyBackupTask;
import dev.tasknode.node.db.PreMigrationBackup;
import dev.tasknode.node.db.SchemaFingerprints;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.tasks.ApplyMigrationsTask;
import dev.tasknode.node.schema.tasks.CreateTablesTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskOutcome;
import dev.tasknode.testing.TestEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The backup tasks across the two real clusters (main and tn2; projects a1, a2 on the home cluster, b1–b3 on tn2):
 * apply's pre-migration backup on each cluster, one backup of both clusters naming each schema's cluster, verify on
 * each cluster, a tn2 project restored back onto tn2, a cluster that does not answer (partial), and a tenant moved
 * from the home cluster to tn2 by restore. One fleet of five small projects for the whole class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterBackupTest {
    static final String SHARED = "CREATE TABLE {schema}.users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);";
    static final String V1 = """
            CREATE TABLE {schema}.items (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                title text NOT NULL DEFAULT '',
                owner bigint REFERENCES {shared}.users (id));
            """;
    static final String V2 = V1.replace("owner bigint", "note text, owner bigint");
    static TwoClusters two;
    static ClusterRegistry registry;
    static ClusterBackups cb;
    static Path dir;
    static BackupClusters clusters;
    static BackupStore store;
    static BackupService backups;
    static RestoreService restore;
    static ReplacedCopies replaced;
    static StaticListableBeanFactory beans;
    static String fullBackup;

    @BeforeAll
    static void setUp() throws Exception {
        two = new TwoClusters("tn_bk_cl");
        registry = two.standard();
        cb = new ClusterBackups(two, registry);
        dir = cb.dir;
        clusters = cb.clusters;
        store = cb.store;
        backups = cb.backups;
        restore = cb.restore;
        replaced = cb.replaced;
        beans = cb.beans;
    }

    @AfterAll
    static void tearDown() {
        if (two != null) {
            two.close();
        }
        if (cb != null) {
            cb.close();
        }
    }

    static RecordingContext ctx(String task, Map<String, ?> params) {
        return new RecordingContext(task, params);
    }

    static long count(TestEndpoints.Postgres pg, String db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.urlFor(db), pg.user(), pg.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row of a project's items, in order, as text: equal on both sides of a move. */
    static String rows(TestEndpoints.Postgres pg, String db, String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.urlFor(db), pg.user(), pg.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) || ':' || md5(string_agg(x::text,"
                     + " '|' ORDER BY x.id)) FROM " + schema + ".items x")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    @Order(1)
    void applyWithBackupBacksUpEachClusterOnThatCluster() throws Exception {
        TwoClusters.Wired w = two.wire(registry, TwoClusters.model(SHARED, V1), beans.getBeanProvider(PreMigrationBackup.class));
        RecordingContext create = ctx("create_tables", Map.of());
        assertThat(new CreateTablesTask(w.schemas()).run(create).status()).as(String.join("\n", create.lines))
                .isEqualTo(TaskStatus.SUCCEEDED);
        String seed = "INSERT INTO shared.users VALUES (1, 'a@x'), (2, 'b@x');";
        two.exec(two.pg1, two.db1, seed);
        two.exec(two.pg2, two.db2, seed);
        for (String p : List.of("a1", "a2")) {
            two.exec(two.pg1, two.db1, "INSERT INTO p_" + p + ".items (title, owner) SELECT 'item ' || g, 1 + g % 2 FROM generate_series(1, 30) g");
        }
        for (String p : List.of("b1", "b2", "b3")) {
            two.exec(two.pg2, two.db2, "INSERT INTO p_" + p + ".items (title, owner) SELECT 'item ' || g, 1 + g % 2 FROM generate_series(1, 20) g");
        }

        TwoClusters.Wired w2 = two.wire(registry, TwoClusters.model(SHARED, V2), beans.getBeanProvider(PreMigrationBackup.class));
        RecordingContext apply = ctx("apply_migrations", Map.of("backup", true));
        TaskOutcome out = new ApplyMigrationsTask(w2.schemas()).run(apply);
        assertThat(out.status()).as(String.join("\n", apply.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        Results.ApplyReport r = (Results.ApplyReport) out.result();
        assertThat(r.changed()).isEqualTo(5);
        // one pre-migration backup per cluster, each of that cluster's schemas
        List<String> ids = List.of(r.backupId().split(","));
        assertThat(ids).hasSize(2);
        Map<String, List<String>> byCluster = new LinkedHashMap<>();
        for (String id : ids) {
            Manifest m = store.get(id.strip());
            assertThat(m.status()).isEqualTo(Manifest.COMPLETE);
            assertThat(m.reason()).isEqualTo("pre_migration");
            assertThat(m.clusterNames()).hasSize(1);
            byCluster.put(m.clusterNames().getFirst(), m.okSchemas());
        }
        assertThat(byCluster).containsOnlyKeys("default", "tn2");
        assertThat(byCluster.get("tn2")).contains("p_b1", "p_b2", "p_b3");
        assertThat(byCluster.get("default")).contains("p_a1", "p_a2").doesNotContain("p_b1");
    }

    @Test
    @Order(2)
    void oneBackupOfBothClustersNamesEachSchemasCluster() throws Exception {
        RecordingContext ctx = ctx("backup_database", Map.of());
        TaskOutcome out = new BackupDatabaseTask(backups, store).run(ctx);
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        BackupDatabaseTask.Result r = (BackupDatabaseTask.Result) out.result();
        fullBackup = r.backupId();
        Manifest m = store.get(fullBackup);
        assertThat(m.schemas()).extracting(s -> s.clusterName() + "/" + s.schema()).containsExactly(
                "default/shared", "default/p_a1", "default/p_a2", "tn2/shared", "tn2/p_b1", "tn2/p_b2", "tn2/p_b3");
        assertThat(m.schemas()).allSatisfy(s -> assertThat(s.ok()).isTrue());
        // row counts from each cluster's own snapshot
        assertThat(m.onCluster("tn2").schema("p_b1").orElseThrow().tables()).containsEntry("items", 20L);
        assertThat(m.onCluster("default").schema("p_a1").orElseThrow().tables()).containsEntry("items", 30L);
        assertThat(m.clusters()).extracting(Manifest.ClusterEntry::cluster).containsExactly("default", "tn2");
        assertThat(m.clusters()).allSatisfy(c -> assertThat(c.snapshot()).isNotBlank());
        assertThat(m.clusters().get(1).database()).isEqualTo(two.db2);
        assertThat(m.files()).allSatisfy(f -> assertThat(f.name().startsWith("tn2.")).isEqualTo(f.clusterName().equals("tn2")));
        assertThat(Files.readString(dir.resolve(fullBackup).resolve("manifest.json"))).contains("\"cluster\" : \"tn2\"");

        RecordingContext listing = ctx("list_backups", Map.of());
        ListBackupsTask.Result list = (ListBackupsTask.Result) new ListBackupsTask(store, replaced).run(listing).result();
        // the log (what the CLI and the Admin log pane show) names the clusters of the backup
        assertThat(listing.lines).filteredOn(l -> l.contains(fullBackup)).singleElement().asString()
                .contains("7 schema(s) (default 3, tn2 4)");
        ListBackupsTask.Entry e = list.backups().stream().filter(b -> b.id().equals(fullBackup)).findFirst().orElseThrow();
        assertThat(e.clusters()).containsExactly(Map.entry("default", 3), Map.entry("tn2", 4));
        assertThat(e.valid()).isTrue();
        TaskOutcome show = new ShowBackupTask(store).run(ctx("show_backup", Map.of("backup_id", fullBackup)));
        assertThat(show.summary()).contains("7 schema(s) (default 3, tn2 4), valid");
        ShowBackupTask.Result shown = (ShowBackupTask.Result) show.result();
        assertThat(shown.manifest().schemas()).filteredOn(s -> s.schema().equals("shared")).extracting(Manifest.SchemaEntry::cluster)
                .containsExactly("default", "tn2");
    }

    @Test
    @Order(3)
    void verifyRestoresEachClustersPartOnThatCluster() throws Exception {
        RecordingContext ctx = ctx("verify_backup", Map.of("backup_id", fullBackup));
        TaskOutcome out = new VerifyBackupTask(store, clusters, beans.getBeanProvider(SchemaFingerprints.class)).run(ctx);
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(((VerifyBackupTask.Result) out.result()).schemasChecked()).isEqualTo(7);
        assertThat(String.join("\n", ctx.lines)).containsPattern("scratch database tn_verify_\\w+ on cluster tn2");
        // the scratch databases are gone on both servers
        assertThat(count(two.pg2, "postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'tn_verify_" + fullBackup + "%'")).isZero();
        assertThat(count(two.pg1, "postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'tn_verify_" + fullBackup + "%'")).isZero();
    }

    @Test
    @Order(4)
    void aTn2ProjectIsRestoredBackOntoTn2() throws Exception {
        String before = rows(two.pg2, two.db2, "p_b1");
        two.exec(two.pg2, two.db2, "DELETE FROM p_b1.items WHERE id > 5");
        RecordingContext ctx = ctx("restore_database", Map.of("param", fullBackup + ":b1"));
        TaskOutcome out = new RestoreDatabaseTask(restore).run(ctx);
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        RestoreService.RestoreResult r = (RestoreService.RestoreResult) out.result();
        assertThat(r.schemas()).singleElement().satisfies(s -> {
            assertThat(s.schema()).isEqualTo("p_b1");
            assertThat(s.cluster()).isEqualTo("tn2");
            assertThat(s.outcome()).isEqualTo("restored");
        });
        assertThat(rows(two.pg2, two.db2, "p_b1")).isEqualTo(before);
        assertThat(two.schemas(two.pg1, two.db1, "%p\\_b1%")).isEmpty();
        // the way back is kept on tn2, recorded in tn2's own table, and listed with its cluster
        assertThat(r.kept()).singleElement().satisfies(k -> assertThat(two.schemas(two.pg2, two.db2, k)).containsExactly(k));
        assertThat(replaced.list()).singleElement().satisfies(c -> {
            assertThat(c.cluster()).isEqualTo("tn2");
            assertThat(c.schema()).isEqualTo("p_b1");
            assertThat(c.exists()).isTrue();
        });
    }

    @Test
    @Order(5)
    void sharedIsRestoredOnEveryClusterItsProjectsKeysReattached() throws Exception {
        two.exec(two.pg1, two.db1, "UPDATE shared.users SET email = 'changed-1' WHERE id = 1");
        two.exec(two.pg2, two.db2, "UPDATE shared.users SET email = 'changed-2' WHERE id = 1");
        RecordingContext ctx = ctx("restore_database", Map.of("param", fullBackup + ":shared"));
        TaskOutcome out = new RestoreDatabaseTask(restore).run(ctx);
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        RestoreService.RestoreResult r = (RestoreService.RestoreResult) out.result();
        assertThat(r.schemas()).extracting(x -> x.cluster() + "/" + x.schema() + "/" + x.outcome())
                .containsExactly("default/shared/restored", "tn2/shared/restored");
        for (var side : List.of(Map.entry(two.pg1, two.db1), Map.entry(two.pg2, two.db2))) {
            assertThat(count(side.getKey(), side.getValue(), "SELECT count(*) FROM shared.users WHERE email = 'a@x'")).isEqualTo(1);
            // each cluster's projects' keys now reference that cluster's restored shared table
            assertThat(count(side.getKey(), side.getValue(), "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
                    + " AND confrelid = 'shared.users'::regclass")).isEqualTo(side.getKey() == two.pg1 ? 2 : 3);
        }
        assertThat(r.kept()).hasSize(2);
    }

    @Test
    @Order(6)
    void anUnknownTargetClusterIsRefusedNamingTheConfiguredOnes() throws Exception {
        String before = rows(two.pg1, two.db1, "p_a1");
        assertThatThrownBy(() -> new RestoreDatabaseTask(restore).run(ctx("restore_database",
                Map.of("param", fullBackup + ":a1", "target_cluster", "eu-9"))))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.error().code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("unknown cluster \"eu-9\"").hasMessageContaining("[default, tn2]")
                .hasMessageContaining("Nothing was changed");
        assertThat(rows(two.pg1, two.db1, "p_a1")).isEqualTo(before);
        assertThatThrownBy(() -> new RestoreDatabaseTask(restore).run(ctx("restore_database",
                Map.of("param", fullBackup + ":all", "target_cluster", "tn2"))))
                .isInstanceOf(TaskFailedException.class).hasMessageContaining("target_cluster moves one project");
    }

    @Test
    @Order(7)
    void aClusterThatDoesNotAnswerFailsItsSchemasAndTheBackupIsPartial() throws Exception {
        ClusterProperties.Spec dflt = new ClusterProperties.Spec();
        dflt.setProjectIdsQuery("VALUES ('a1'), ('a2')");
        Map<String, ClusterProperties.Spec> cfg = new LinkedHashMap<>();
        cfg.put(Cluster.DEFAULT, dflt);
        cfg.put("gone", two.spec("jdbc:postgresql://127.0.0.1:1/postgres", ""));
        ClusterRegistry r = two.registry(cfg);
        BackupService bs = cb.over(r);
        RecordingContext ctx = ctx("backup_database", Map.of());
        long t0 = System.nanoTime();
        TaskOutcome out = new BackupDatabaseTask(bs, store).run(ctx);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.PARTIAL);
        BackupDatabaseTask.Result res = (BackupDatabaseTask.Result) out.result();
        assertThat(res.failed()).singleElement().satisfies(f -> {
            assertThat(f.cluster()).isEqualTo("gone");
            assertThat(f.schema()).isEqualTo("shared");
            assertThat(f.error()).startsWith("cluster gone is down: ");
        });
        Manifest m = store.get(res.backupId());
        assertThat(m.status()).isEqualTo(Manifest.PARTIAL);
        assertThat(m.onCluster("default").okSchemas()).containsExactly("shared", "p_a1", "p_a2");
        assertThat(m.clusters()).filteredOn(c -> c.cluster().equals("gone")).singleElement()
                .satisfies(c -> assertThat(c.error()).contains("is down"));
    }

    @Test
    @Order(8)
    void aTenantMovesFromTheHomeClusterToTn2ByRestore() throws Exception {
        String before = rows(two.pg1, two.db1, "p_a2");
        RecordingContext ctx = ctx("restore_database", Map.of("param", fullBackup + ":a2", "target_cluster", "tn2"));
        TaskOutcome out = new RestoreDatabaseTask(restore).run(ctx);
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        RestoreService.RestoreResult r = (RestoreService.RestoreResult) out.result();
        assertThat(r.schemas()).singleElement().satisfies(s -> {
            assertThat(s.cluster()).isEqualTo("tn2");
            assertThat(s.outcome()).isEqualTo("restored");
        });
        // on tn2 now, rows equal; its foreign key into tn2's own shared schema
        assertThat(rows(two.pg2, two.db2, "p_a2")).isEqualTo(before);
        assertThat(count(two.pg2, two.db2, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'p_a2.items'::regclass"
                + " AND confrelid = 'shared.users'::regclass")).isEqualTo(1);
        // the source copy is kept aside on the home cluster, data intact, until the user is sure
        RestoreService.Moved moved = r.moved();
        assertThat(moved.from()).isEqualTo("default");
        assertThat(moved.to()).isEqualTo("tn2");
        assertThat(moved.keptAs()).startsWith("_replaced_p_a2_");
        assertThat(two.schemas(two.pg1, two.db1, "p\\_%")).containsExactly("p_a1");
        assertThat(rows(two.pg1, two.db1, moved.keptAs())).isEqualTo(before);
        assertThat(replaced.list()).filteredOn(c -> c.kept().equals(moved.keptAs())).singleElement()
                .satisfies(c -> assertThat(c.cluster()).isEqualTo("default"));
        // what the user must change, said in the result and the log
        assertThat(moved.placement()).contains("project-ids-query").contains("cluster tn2").contains("cluster default");
        assertThat(out.summary()).contains("moved to cluster tn2");
        // until the placement says so, the project is on two clusters (the home query still names it): refused
        assertThatThrownBy(() -> new BackupDatabaseTask(backups, store).run(ctx("backup_database", Map.of())))
                .isInstanceOf(TaskFailedException.class).hasMessageContaining("project a2 is on clusters default and tn2");
    }

    @Test
    @Order(9)
    void onceThePlacementSaysSoTheMovedTenantLivesOnTn2AndAnOldRestoreIsRefused() throws Exception {
        // the user changed the placement: a2 is tn2's now
        ClusterProperties.Spec dflt = new ClusterProperties.Spec();
        dflt.setProjectIdsQuery("VALUES ('a1')");
        Map<String, ClusterProperties.Spec> cfg = new LinkedHashMap<>();
        cfg.put(Cluster.DEFAULT, dflt);
        cfg.put("tn2", two.spec(two.url2(), "VALUES ('b1'), ('b2'), ('b3'), ('a2')"));
        ClusterRegistry moved = two.registry(cfg);
        BackupService bs = cb.over(moved);
        RestoreService rs = new RestoreService(bs.clusters(), store, bs, new dev.tasknode.node.backup.restore.SchemaSwap(
                new dev.tasknode.node.config.NodeProperties()));
        String before = rows(two.pg2, two.db2, "p_a2");
        // restoring the old backup's a2 back onto default would make a second copy: refused, saying how
        assertThatThrownBy(() -> new RestoreDatabaseTask(rs).run(ctx("restore_database", Map.of("param", fullBackup + ":a2"))))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.error().code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("project a2 lives on cluster tn2 now").hasMessageContaining("target_cluster=tn2")
                .hasMessageContaining("Nothing was touched");
        assertThat(rows(two.pg2, two.db2, "p_a2")).isEqualTo(before);
        assertThat(two.schemas(two.pg1, two.db1, "p\\_%")).containsExactly("p_a1");
        // and a backup of everything takes a2 from tn2
        RecordingContext ctx = ctx("backup_database", Map.of());
        TaskOutcome out = new BackupDatabaseTask(bs, store).run(ctx);
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        Manifest m = store.get(((BackupDatabaseTask.Result) out.result()).backupId());
        assertThat(m.schemas()).filteredOn(x -> x.schema().equals("p_a2")).extracting(Manifest.SchemaEntry::cluster)
                .containsExactly("tn2");
    }
}
