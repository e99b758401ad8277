package dev.tasknode.node.schema;

import static dev.tasknode.node.support.NodeProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.support.NodeProcess;
import dev.tasknode.node.support.NodeProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the node (a real process) while it builds an index concurrently: the server cancels the orphaned
 * build, which leaves an invalid index; after a restart, apply drops it and builds it again: the index ends
 * valid and nothing is duplicated.
 */
class SchemaOnlineKillTest {
    static final Duration WAIT = Duration.ofMinutes(3);
    NodeProcesses nodes;
    Path models;

    @BeforeEach
    void setUp() throws Exception {
        nodes = new NodeProcesses("tnonl_kill");
        models = Files.createTempDirectory("tnonl-models-");
        Files.createDirectories(models.resolve("shared"));
        Files.createDirectories(models.resolve("project"));
        Files.writeString(models.resolve("shared/10.sql"), "CREATE TABLE {schema}.projects (id text PRIMARY KEY);\n");
        // an expression index: slow enough to build that the kill lands in the middle of it
        Files.writeString(models.resolve("project/10.sql"), "CREATE TABLE {schema}.big (id bigint PRIMARY KEY, a integer);\n"
                + "CREATE INDEX big_a_idx ON {schema}.big (md5(a::text));\n");
        nodes.exec("CREATE SCHEMA shared; CREATE TABLE shared.projects (id text PRIMARY KEY); INSERT INTO shared.projects VALUES ('1');"
                + "CREATE SCHEMA p_1; CREATE TABLE p_1.big (id bigint PRIMARY KEY, a integer);"
                + "INSERT INTO p_1.big SELECT g, g FROM generate_series(1, 2000000) g; ANALYZE p_1.big");
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
        try (var s = Files.walk(models)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private NodeProcess node(String instance) throws Exception {
        return nodes.start(instance, "--tasknode.schema.models-dir=" + models, "--tasknode.schema.large-table-rows=1000");
    }

    private long count(String sql) {
        return nodes.count(sql);
    }

    @Test
    void killDuringAConcurrentIndexBuildThenRestartAndApplyLeavesOneValidIndex() throws Exception {
        NodeProcess first = node("first");
        nodes.client().start("apply_migrations", Map.of("scope", "1", "backup", false));
        await(() -> count("SELECT count(*) FROM pg_stat_progress_create_index WHERE datname = current_database()"
                + " AND command = 'CREATE INDEX CONCURRENTLY'") > 0, WAIT);
        first.kill9();
        // the server notices the lost client (client_connection_check_interval) and cancels the build
        await(() -> count("SELECT count(*) FROM pg_stat_progress_create_index WHERE datname = current_database()") == 0, WAIT);
        assertThat(count("SELECT count(*) FROM pg_index WHERE indexrelid = 'p_1.big_a_idx'::regclass AND NOT indisvalid"))
                .as("the killed build left an invalid index").isOne();

        node("second");
        TaskResult proposal = nodes.client().start("propose_migrations", Map.of("scope", "1")).result(WAIT);
        assertThat(proposal.result().toString()).contains("invalid index left by an interrupted build");
        TaskResult r = nodes.client().start("apply_migrations", Map.of("scope", "1", "backup", false)).result(WAIT);
        assertThat(r.status()).as(r.summary()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(count("SELECT count(*) FROM pg_index WHERE indexrelid = 'p_1.big_a_idx'::regclass AND indisvalid")).isOne();
        assertThat(count("SELECT count(*) FROM pg_index WHERE indrelid = 'p_1.big'::regclass")).as("pkey and big_a_idx only").isEqualTo(2);
        TaskResult after = nodes.client().start("propose_migrations", Map.of("scope", "1")).result(WAIT);
        assertThat(after.result().get("to_change").asInt()).isZero();
    }
}
