package dev.tasknode.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.client.cli.Cli;
import dev.tasknode.contracts.Json;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.ProtocolClient;
import dev.tasknode.node.support.TestTasks;
import dev.tasknode.testing.TestEndpoints;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The CLI against the real node: in-process (its main logic) and as the shaded jar, with its exit codes. */
// RANDOM_PORT: the node as it runs, web layer (actuator, Admin page security) included
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tasknode.workers=2", "tasknode.auth.mutating-users=ops"})
@Import(TestTasks.class)
class CliEndToEndTest {
    static final NodeTestSupport.Env ENV = NodeTestSupport.create("e2e_cli");
    static final Path JAR = Path.of("..", "rpc-client", "target", "tasknode-cli.jar");
    String out;
    String err;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        NodeTestSupport.register(r, ENV);
    }

    @AfterAll
    static void cleanup() throws Exception {
        try (ProtocolClient c = new ProtocolClient(ENV.nodeName())) {
            c.deleteNodeQueues();
        }
        TestEndpoints.dropDatabaseLater(ENV.database());
    }

    int cli(String... args) {
        List<String> argv = new ArrayList<>(List.of("--node", ENV.nodeName()));
        argv.addAll(List.of(args));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Cli.run(argv.toArray(String[]::new), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of("TASKNODE_AMQP_URI", TestEndpoints.rabbit().uri()));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void startFollowsLinesAndPrintsTheResult() {
        assertThat(cli("start", "sleep", "1")).as(err).isEqualTo(Cli.OK);
        assertThat(out).containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d INFO  sleeping 1 s$")
                .containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d INFO  slept 1 of 1 s$")
                .containsPattern("(?m)^SUCCEEDED sleep \\S+ in \\d+\\.\\d s: slept 1 s$");
    }

    @Test
    void exitCodes() {
        assertThat(cli("start", "ping")).isEqualTo(Cli.OK);
        assertThat(cli("start", TestTasks.PARTIAL.name())).isEqualTo(Cli.PARTIAL);
        assertThat(out).contains("ERROR schema p_2 failed").contains("PARTIAL test_partial");
        assertThat(cli("start", TestTasks.MUTATE.name())).isEqualTo(Cli.REJECTED);
        assertThat(err).contains("unauthorized");
        assertThat(cli("start", "no_such_task")).isEqualTo(Cli.REJECTED);
        assertThat(cli("start", "sleep", "--param", "seconds=abc")).isEqualTo(Cli.USAGE);
        assertThat(cli("--timeout", "1", "start", "sleep", "3")).isEqualTo(Cli.TIMEOUT);
        assertThat(cli("--node", TestEndpoints.uniqueName("nowhere"), "start", "ping")).isEqualTo(Cli.NO_SUCH_NODE);
        assertThat(cli("status", "00000000-0000-0000-0000-000000000000")).isEqualTo(Cli.REJECTED);
        assertThat(err).contains("not_found");
    }

    @Test
    void jsonFollowIsOneWireDocumentPerLine() {
        assertThat(cli("--json", "start", "ping", "hi")).isEqualTo(Cli.OK);
        List<JsonNode> docs = out.lines().map(Json.MAPPER::readTree).toList();
        assertThat(docs.getFirst().get("type").asString()).isEqualTo("accepted");
        assertThat(docs.get(1).get("message").asString()).isEqualTo("ping: hi");
        assertThat(docs.getLast().get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void noFollowThenControlCommands() throws Exception {
        assertThat(cli("start", "sleep", "30", "--no-follow")).isEqualTo(Cli.OK);
        Matcher m = Pattern.compile("task (\\S+) accepted").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        String id = m.group(1);
        assertThat(cli("status", id)).isEqualTo(Cli.OK);
        assertThat(out).contains("task:         sleep");
        assertThat(cli("result", id)).isEqualTo(Cli.NOT_FINISHED);
        assertThat(cli("cancel", id)).isEqualTo(Cli.OK);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int code;
        while ((code = cli("result", id)) == Cli.NOT_FINISHED && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        assertThat(code).as("cancelled is not success").isEqualTo(Cli.FAILED);
        assertThat(out).contains("CANCELLED sleep " + id);
        assertThat(cli("logs", id)).isEqualTo(Cli.OK);
        assertThat(out).contains("INFO  sleeping 30 s");
        assertThat(cli("list", "--limit", "10")).isEqualTo(Cli.OK);
        assertThat(out).contains(id);
        assertThat(cli("tasks")).isEqualTo(Cli.OK);
        assertThat(out).contains("sleep — ").contains("ping — ");
    }

    @Test
    void theJarRunsAsAProgram() throws Exception {
        assertThat(JAR).as("the CLI jar is built by the rpc-client module (run the build from the top: ./mvnw … verify)")
                .exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString(), "--node", ENV.nodeName(), "start", "ping", "from the jar");
        pb.environment().put("TASKNODE_AMQP_URI", TestEndpoints.rabbit().uri());
        File output = Files.createTempFile("tasknode-cli", ".out").toFile();
        pb.redirectErrorStream(true).redirectOutput(output);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(output.toPath());
        assertThat(p.exitValue()).as(text).isEqualTo(Cli.OK);
        assertThat(text).contains("INFO  ping: from the jar").contains("SUCCEEDED ping");
        output.delete();
    }
}
