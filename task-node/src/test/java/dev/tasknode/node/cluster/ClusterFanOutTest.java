package dev.tasknode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.tasks.ApplyMigrationsTask;
import dev.tasknode.node.schema.tasks.CreateTablesTask;
import dev.tasknode.node.schema.tasks.ProposeMigrationsTask;
import dev.tasknode.node.schema.tasks.SchemaStatusTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.health.contributor.Health;

/**
 * The schema tasks across two real PostgreSQL clusters (main and tn2): projects a1, a2 on the home cluster, b1–b3 on
 * tn2, the shared schema on both. create everywhere, one proposal grouping states across the clusters, apply with
 * the reviewed fingerprint, a project-scoped apply that reaches only its cluster, the same id on two clusters refused
 * at start-up and at run time, and a cluster that does not answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFanOutTest {
    static final String SHARED = "CREATE TABLE {schema}.users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);";
    static final String V1 = """
            CREATE TABLE {schema}.items (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                title text NOT NULL DEFAULT '',
                owner bigint REFERENCES {shared}.users (id));
            """;
    static final String V2 = V1.replace("owner bigint", "note text, owner bigint");
    static final String V3 = V2 + "CREATE INDEX items_title_idx ON {schema}.items (title);";
    static TwoClusters two;
    static ClusterRegistry registry;

    @BeforeAll
    static void setUp() {
        two = new TwoClusters("tn_c_fan");
        registry = two.standard();
    }

    @AfterAll
    static void tearDown() {
        if (two != null) {
            two.close();
        }
    }

    static TwoClusters.Wired wire(String project) {
        return two.wire(registry, TwoClusters.model(SHARED, project));
    }

    static RecordingContext ctx(String task, Map<String, ?> params) {
        return new RecordingContext(task, params);
    }

    static Map<String, String> clusterOf(Results.ApplyReport r) {
        return r.outcomes().stream().collect(Collectors.toMap(o -> o.cluster() + "/" + o.schema(), Results.SchemaOutcome::outcome,
                (a, b) -> a, LinkedHashMap::new));
    }

    @Test
    @Order(1)
    void createTablesReachesEveryClusterWithItsOwnProjects() throws Exception {
        RecordingContext ctx = ctx("create_tables", Map.of());
        TaskOutcome out = new CreateTablesTask(wire(V1).schemas()).run(ctx);
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        Results.ApplyReport r = (Results.ApplyReport) out.result();
        assertThat(clusterOf(r)).containsOnlyKeys("default/shared", "default/p_a1", "default/p_a2", "tn2/shared",
                "tn2/p_b1", "tn2/p_b2", "tn2/p_b3").allSatisfy((k, v) -> assertThat(v).isEqualTo("applied"));
        assertThat(r.clusters()).extracting(Results.ClusterPart::cluster, Results.ClusterPart::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("default", "ok"), org.assertj.core.groups.Tuple.tuple("tn2", "ok"));
        // each project really lives on its own cluster only; the shared schema is on both
        assertThat(two.schemas(two.pg1, two.db1, "p\\_%")).containsExactly("p_a1", "p_a2");
        assertThat(two.schemas(two.pg2, two.db2, "p\\_%")).containsExactly("p_b1", "p_b2", "p_b3");
        assertThat(two.schemas(two.pg2, two.db2, "shared")).containsExactly("shared");
        // the migration history of tn2's schemas committed on tn2
        assertThat(two.schemas(two.pg2, two.db2, "tasknode")).containsExactly("tasknode");
        // the wire form names the cluster of each schema
        assertThat(Json.MAPPER.writeValueAsString(r)).contains("\"cluster\":\"tn2\"");
    }

    @Test
    @Order(2)
    void proposeGroupsOneStateAcrossClustersAndApplyMigratesBoth() throws Exception {
        two.exec(two.pg2, two.db2, "ALTER TABLE p_b3.items ADD COLUMN extra integer");
        TwoClusters.Wired w = wire(V2);
        RecordingContext ctx = ctx("propose_migrations", Map.of());
        TaskOutcome out = new ProposeMigrationsTask(w.schemas()).run(ctx);
        assertThat(out.status()).isEqualTo(TaskStatus.SUCCEEDED);
        Results.Proposal p = (Results.Proposal) out.result();
        assertThat(p.schemas()).isEqualTo(7);
        assertThat(p.toChange()).isEqualTo(5);
        // p_a1, p_a2, p_b1, p_b2 share one catalog state although they live on two clusters: one change set
        Results.ChangeSet common = p.changeSets().stream().filter(cs -> cs.schemaCount() == 4).findFirst().orElseThrow();
        assertThat(common.clusters()).containsEntry("default", List.of("p_a1", "p_a2")).containsEntry("tn2", List.of("p_b1", "p_b2"));
        Results.ChangeSet own = p.changeSets().stream().filter(cs -> cs.schemas().contains("p_b3")).findFirst().orElseThrow();
        assertThat(own.clusters()).containsOnlyKeys("tn2");
        assertThat(p.changeSets()).hasSize(2);
        assertThat(String.join("\n", ctx.lines)).contains("on cluster(s) default, tn2");

        RecordingContext apply = ctx("apply_migrations", Map.of("expect", p.fingerprint(), "backup", false,
                "allow_destructive", true));
        TaskOutcome applied = new ApplyMigrationsTask(w.schemas()).run(apply);
        assertThat(applied.status()).as(String.join("\n", apply.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        Results.ApplyReport r = (Results.ApplyReport) applied.result();
        assertThat(r.proposalFingerprint()).isEqualTo(p.fingerprint());
        assertThat(r.changed()).isEqualTo(5);
        assertThat(r.allMatchModel()).isTrue();
        assertThat(clusterOf(r)).containsEntry("tn2/p_b3", "applied").containsEntry("default/p_a1", "applied");
        // the fleet now matches on both clusters
        Results.Proposal again = (Results.Proposal) new ProposeMigrationsTask(w.schemas()).run(ctx("propose_migrations", Map.of())).result();
        assertThat(again.toChange()).isZero();
    }

    @Test
    @Order(3)
    void aStaleExpectStopsEveryClusterBeforeAnyChange() {
        TwoClusters.Wired w = wire(V3);
        RecordingContext apply = ctx("apply_migrations", Map.of("expect", "0123456789abcdef", "backup", false));
        assertThatThrownBy(() -> new ApplyMigrationsTask(w.schemas()).run(apply)).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("nothing was changed");
        assertThat(indexes(two.pg1, two.db1) + indexes(two.pg2, two.db2)).isZero();
    }

    @Test
    @Order(4)
    void aProjectScopedTaskReachesOnlyItsCluster() throws Exception {
        TwoClusters.Wired w = wire(V3);
        RecordingContext apply = ctx("apply_migrations", Map.of("scope", "b2", "backup", false));
        TaskOutcome out = new ApplyMigrationsTask(w.schemas()).run(apply);
        assertThat(out.status()).as(String.join("\n", apply.lines)).isEqualTo(TaskStatus.SUCCEEDED);
        Results.ApplyReport r = (Results.ApplyReport) out.result();
        assertThat(clusterOf(r)).containsOnlyKeys("tn2/p_b2");
        assertThat(r.clusters()).extracting(Results.ClusterPart::cluster).containsExactly("tn2");
        assertThat(indexes(two.pg2, two.db2)).isEqualTo(1);
        assertThat(indexes(two.pg1, two.db1)).isZero();
        // status names each schema's cluster, metrics count per cluster
        Results.Status s = (Results.Status) new SchemaStatusTask(w.schemas()).run(ctx("schema_status", Map.of())).result();
        assertThat(s.schemaStates()).filteredOn(st -> st.schema().equals("p_b2")).extracting(Results.SchemaState::cluster,
                Results.SchemaState::state).containsExactly(org.assertj.core.groups.Tuple.tuple("tn2", "up_to_date"));
        assertThat(w.meters().get("tasknode.schemas").tag("cluster", "tn2").tag("state", "pending").gauge().value()).isEqualTo(2.0);
        assertThat(w.meters().get("tasknode.schemas").tag("cluster", "default").tag("state", "pending").gauge().value()).isEqualTo(2.0);
        // a project no cluster has is refused, naming the clusters
        assertThatThrownBy(() -> new ApplyMigrationsTask(w.schemas()).run(ctx("apply_migrations", Map.of("scope", "zz", "backup", false))))
                .isInstanceOf(TaskFailedException.class).hasMessageContaining("project zz is on no cluster (default, tn2)");
        Health h = new ClusterHealthIndicator(registry, w.metrics()).health();
        assertThat(h.getStatus().getCode()).isEqualTo("UP");
        assertThat(h.getDetails()).containsOnlyKeys("default", "tn2");
    }

    static long indexes(dev.tasknode.testing.TestEndpoints.Postgres pg, String db) {
        return two.schemas(pg, db, "%").isEmpty() ? 0 : count(pg, db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'items_title_idx'");
    }

    static long count(dev.tasknode.testing.TestEndpoints.Postgres pg, String db, String sql) {
        try (var c = java.sql.DriverManager.getConnection(pg.urlFor(db), pg.user(), pg.password());
             var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(5)
    void theSameProjectOnTwoClustersStopsTheStartNamingBoth() {
        ClusterProperties.Spec dflt = new ClusterProperties.Spec();
        dflt.setProjectIdsQuery("VALUES ('a1'), ('b1')");
        Map<String, ClusterProperties.Spec> cfg = new LinkedHashMap<>();
        cfg.put(Cluster.DEFAULT, dflt);
        cfg.put("tn2", two.spec(two.url2(), "VALUES ('b1'), ('b2'), ('b3')"));
        assertThatThrownBy(() -> two.registry(cfg)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("project b1 is on clusters default and tn2");
        // at run time (a schema created by hand on the home cluster after the start): refused, nothing guessed
        two.exec(two.pg1, two.db1, "CREATE SCHEMA p_b3");
        try {
            TwoClusters.Wired w = wire(V3);
            assertThatThrownBy(() -> new ApplyMigrationsTask(w.schemas()).run(ctx("apply_migrations", Map.of("scope", "b3", "backup", false))))
                    .isInstanceOf(TaskFailedException.class).hasMessageContaining("project b3 is on clusters default and tn2");
            assertThatThrownBy(() -> new ApplyMigrationsTask(w.schemas()).run(ctx("apply_migrations", Map.of("backup", false))))
                    .isInstanceOf(TaskFailedException.class).hasMessageContaining("project b3 is on clusters default and tn2")
                    .hasMessageContaining("nothing was changed");
        } finally {
            two.exec(two.pg1, two.db1, "DROP SCHEMA p_b3");
        }
    }

    @Test
    @Order(6)
    void aClusterThatDoesNotAnswerFailsItsSchemasAndTheTaskIsPartial() throws Exception {
        ClusterProperties.Spec dflt = new ClusterProperties.Spec();
        dflt.setProjectIdsQuery("VALUES ('a1'), ('a2')");
        Map<String, ClusterProperties.Spec> cfg = new LinkedHashMap<>();
        cfg.put(Cluster.DEFAULT, dflt);
        cfg.put("tn2", two.spec(two.url2(), "VALUES ('b1'), ('b2'), ('b3')"));
        cfg.put("gone", two.spec("jdbc:postgresql://127.0.0.1:1/postgres", ""));
        ClusterRegistry r = two.registry(cfg); // a cluster down at start-up does not stop the node
        TwoClusters.Wired w = two.wire(r, TwoClusters.model(SHARED, V3));
        RecordingContext ctx = ctx("apply_migrations", Map.of("backup", false));
        TaskOutcome out = new ApplyMigrationsTask(w.schemas()).run(ctx);
        assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.PARTIAL);
        Results.ApplyReport rep = (Results.ApplyReport) out.result();
        assertThat(rep.outcomes()).filteredOn(o -> "gone".equals(o.cluster())).singleElement().satisfies(o -> {
            assertThat(o.schema()).isEqualTo("shared");
            assertThat(o.outcome()).isEqualTo("failed");
            assertThat(o.error()).startsWith("cluster gone is down: ");
        });
        assertThat(rep.outcomes()).filteredOn(o -> !"gone".equals(o.cluster())).allSatisfy(o -> assertThat(o.outcome()).isIn("applied", "unchanged"));
        assertThat(out.summary()).contains("cluster gone is down");
        Results.Status s = (Results.Status) new SchemaStatusTask(w.schemas()).run(ctx("schema_status", Map.of())).result();
        assertThat(s.clusters()).filteredOn(c -> c.cluster().equals("gone")).singleElement()
                .satisfies(c -> assertThat(c.state()).isEqualTo("down"));
        Health h = new ClusterHealthIndicator(r, w.metrics()).health();
        assertThat(h.getStatus().getCode()).isEqualTo("WARNING");
        assertThat(h.getDetails().get("gone").toString()).contains("status=down");
    }
}
