package dev.tasknode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.TaskNodeApplication;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.tasks.CreateTablesTask;
import dev.tasknode.node.schema.tasks.SchemaStatusTask;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskOutcome;
import dev.tasknode.testing.TestEndpoints;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real node (its own Spring context) configured with a second cluster through {@code tasknode.clusters.*}
 * properties, as an operator would: the same project on both clusters stops the start naming both; a correct
 * placement starts, create_tables and schema_status reach both clusters, health and metrics show each cluster.
 */
class ClusterNodeTest {
    static TwoClusters two;

    @BeforeAll
    static void setUp() {
        two = new TwoClusters("tn_c_node");
    }

    @AfterAll
    static void tearDown() {
        if (two != null) {
            two.close();
        }
    }

    static List<String> args(String defaultIds, String tn2Ids) {
        List<String> args = new ArrayList<>();
        NodeTestSupport.register((name, value) -> args.add("--" + name + "=" + value.get()),
                new NodeTestSupport.Env(two.db1, TestEndpoints.uniqueName("test.node.tn_c_node")));
        TestEndpoints.Postgres pg2 = two.pg2;
        args.addAll(List.of("--server.port=0", "--tasknode.schema.project-ids-query=",
                "--tasknode.clusters.default.project-ids-query=" + defaultIds,
                "--tasknode.clusters.tn2.url=" + two.url2(), "--tasknode.clusters.tn2.username=" + pg2.user(),
                "--tasknode.clusters.tn2.password=" + pg2.password(), "--tasknode.clusters.tn2.project-ids-query=" + tn2Ids,
                "--tasknode.clusters.tn2.max-parallel=2", "--tasknode.clusters.tn2.pool-timeout=3s"));
        return args;
    }

    static ConfigurableApplicationContext start(List<String> args) {
        return new SpringApplicationBuilder(TaskNodeApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void theSameProjectOnTwoClustersStopsTheStartNamingBoth() {
        assertThatThrownBy(() -> start(args("VALUES ('n1'), ('n2')", "VALUES ('n2')")).close())
                .rootCause().hasMessageContaining("project n2 is on clusters default and tn2");
    }

    @Test
    void aNodeWithTwoClustersCreatesOnBothAndReportsEach() throws Exception {
        try (ConfigurableApplicationContext node = start(args("VALUES ('n1')", "VALUES ('n2')"))) {
            RecordingContext ctx = new RecordingContext("create_tables", Map.of());
            TaskOutcome out = node.getBean(CreateTablesTask.class).run(ctx);
            assertThat(out.status()).as(String.join("\n", ctx.lines)).isEqualTo(TaskStatus.SUCCEEDED);
            Results.ApplyReport r = (Results.ApplyReport) out.result();
            assertThat(r.outcomes()).extracting(o -> o.cluster() + "/" + o.schema())
                    .containsExactlyInAnyOrder("default/shared", "default/p_n1", "tn2/shared", "tn2/p_n2");
            assertThat(two.schemas(two.pg2, two.db2, "p\\_%")).containsExactly("p_n2");
            assertThat(two.schemas(two.pg1, two.db1, "p\\_%")).containsExactly("p_n1");

            Results.Status s = (Results.Status) node.getBean(SchemaStatusTask.class)
                    .run(new RecordingContext("schema_status", Map.of())).result();
            assertThat(s.schemaStates()).extracting(Results.SchemaState::cluster).containsOnly("default", "tn2");
            MeterRegistry meters = node.getBean(MeterRegistry.class);
            assertThat(meters.get("tasknode.schemas").tag("cluster", "tn2").tag("state", "up_to_date").gauge().value())
                    .isEqualTo(2.0);
            Health h = node.getBean("clusters", HealthIndicator.class).health();
            assertThat(h.getStatus().getCode()).isEqualTo("UP");
            assertThat(h.getDetails()).containsOnlyKeys("default", "tn2");
            assertThat(h.getDetails().get("tn2").toString()).contains("status=up").contains("up_to_date=2");
        }
    }
}
