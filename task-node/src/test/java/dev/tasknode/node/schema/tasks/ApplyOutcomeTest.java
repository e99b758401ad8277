package dev.tasknode.node.schema.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.support.RecordingContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The status rule of create_tables / apply_migrations on a merged report: a failed schema or a lost cluster is never
 * success. The case CI found: a cluster lost after each of its schemas had committed (so none failed), before its
 * check against the model — its changes stay, unverified, and the task must say partial.
 */
class ApplyOutcomeTest {

    private static Results.SchemaOutcome applied(String schema, String cluster, Boolean matches) {
        return new Results.SchemaOutcome(schema, "applied", 1, List.of(), "a", matches == null ? null : "b", matches,
                matches == null ? null : 0, 1, 5, null).on(cluster);
    }

    private static Results.ApplyReport report(int changed, int failed, List<Results.SchemaOutcome> outcomes,
                                              List<Results.ClusterPart> clusters) {
        return new Results.ApplyReport("apply_migrations", false, false, "fp", null, outcomes.size(), changed, 0, failed, 0,
                false, outcomes, clusters);
    }

    @Test
    void aClusterLostAfterAllItsSchemasCommittedMakesTheTaskPartial() {
        var outcomes = List.of(applied("p_a1", "default", true), applied("p_b1", "tn2", null));
        var clusters = List.of(Results.ClusterPart.ok("default", 1),
                Results.ClusterPart.down("tn2", List.of(), "cluster tn2 failed: Connection is closed"));
        var ctx = new RecordingContext("apply_migrations", Map.of());
        var out = ApplyMigrationsTask.outcome(ctx, report(2, 0, outcomes, clusters), "migrated");
        assertThat(out.status()).isEqualTo(TaskStatus.PARTIAL);
        assertThat(out.summary()).contains("migrated 2 of 2").contains("cluster tn2 failed: Connection is closed")
                .doesNotContain("still differ from the model");
    }

    @Test
    void aLostClusterWithNothingDoneAnywhereIsFailed() {
        var clusters = List.of(Results.ClusterPart.down("tn2", List.of(), "cluster tn2 is down: refused"));
        var out = ApplyMigrationsTask.outcome(new RecordingContext("apply_migrations", Map.of()),
                report(0, 0, List.of(), clusters), "migrated");
        assertThat(out.status()).isEqualTo(TaskStatus.FAILED);
    }

    @Test
    void everyClusterUpAndEverySchemaMatchingIsSuccess() {
        var outcomes = List.of(applied("p_a1", "default", true), applied("p_b1", "tn2", true));
        var clusters = List.of(Results.ClusterPart.ok("default", 1), Results.ClusterPart.ok("tn2", 1));
        var out = ApplyMigrationsTask.outcome(new RecordingContext("apply_migrations", Map.of()),
                report(2, 0, outcomes, clusters), "migrated");
        assertThat(out.status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void anAppliedSchemaThatStillDiffersOnALiveClusterIsPartial() {
        var outcomes = List.of(applied("p_a1", "default", false));
        var out = ApplyMigrationsTask.outcome(new RecordingContext("apply_migrations", Map.of()),
                report(1, 0, outcomes, List.of(Results.ClusterPart.ok("default", 1))), "migrated");
        assertThat(out.status()).isEqualTo(TaskStatus.PARTIAL);
        assertThat(out.summary()).contains("still differ from the model");
    }
}
