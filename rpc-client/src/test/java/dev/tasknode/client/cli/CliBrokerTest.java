package dev.tasknode.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.client.ResponderAccess;
import dev.tasknode.contracts.Json;
import dev.tasknode.testing.TestEndpoints;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The CLI in-process against the real RabbitMQ. The "node" is the client tests' protocol responder (a
 * stand-in answering per docs/protocol.md, not the task node): this checks arguments, output and exit codes
 * end to end through the broker. The same against the real node is in task-node's e2e tests.
 */
class CliBrokerTest {
    private static final Pattern LOG_LINE = Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d INFO  pong$");
    private static AutoCloseable responder;
    private static String node;
    private String out;
    private String err;

    @BeforeAll
    static void start() throws Exception {
        node = TestEndpoints.uniqueName("client_cli");
        responder = ResponderAccess.start(node);
    }

    @AfterAll
    static void stop() throws Exception {
        responder.close();
    }

    private int cli(String... args) {
        List<String> argv = new ArrayList<>(List.of("--node", node));
        argv.addAll(List.of(args));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Cli.run(argv.toArray(String[]::new), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of("TASKNODE_AMQP_URI", TestEndpoints.rabbit().uri()));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private String taskId() {
        var m = Pattern.compile("task (\\S+) accepted").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    @Test
    void startFollowsAndExitsZeroOnSuccess() {
        assertEquals(Cli.OK, cli("start", "ping", "hello"), err);
        assertTrue(out.contains(" accepted: ping on " + node), out);
        assertTrue(LOG_LINE.matcher(out).find(), out);
        assertTrue(out.strip().endsWith(": ping succeeded"), out);
        assertTrue(out.contains("SUCCEEDED ping "), out);
    }

    @Test
    void exitCodesOfOutcomes() {
        assertEquals(Cli.FAILED, cli("start", "fail_me"));
        assertTrue(out.contains("FAILED fail_me"), out);
        assertEquals(Cli.PARTIAL, cli("start", "partial_me"));
        assertEquals(Cli.REJECTED, cli("start", "reject_me"));
        assertTrue(err.contains("unauthorized"), err);
        assertEquals(Cli.TIMEOUT, cli("--timeout", "1", "start", "silent"));
        assertEquals(Cli.NO_SUCH_NODE, cli("--node", TestEndpoints.uniqueName("nowhere"), "start", "ping"));
        assertEquals(Cli.REJECTED, cli("status", "no-such-task"));
        assertTrue(err.contains("not_found"), err);
    }

    @Test
    void timeoutWhileFollowingSaysHowToGetTheResultLater() {
        assertEquals(Cli.TIMEOUT, cli("--timeout", "1", "start", "held"));
        assertTrue(err.contains("tasknode result "), err);
    }

    @Test
    void jsonStartWritesTheWireDocumentsOnePerLine() {
        assertEquals(Cli.OK, cli("--json", "start", "ping"));
        List<JsonNode> docs = out.lines().map(Json.MAPPER::readTree).toList();
        assertEquals("accepted", docs.get(0).get("type").asString());
        assertEquals("log", docs.get(1).get("type").asString());
        assertEquals("result", docs.getLast().get("type").asString());
        assertEquals(1, docs.stream().filter(d -> d.get("type").asString().equals("result")).count());
    }

    @Test
    void noFollowPrintsTheIdAndLaterCallsFindTheTask() {
        assertEquals(Cli.OK, cli("start", "held", "--no-follow"));
        String id = taskId();
        assertEquals(Cli.OK, cli("status", id));
        assertTrue(out.contains("status:       running"), out);
        assertEquals(Cli.NOT_FINISHED, cli("result", id));
        assertEquals(Cli.OK, cli("cancel", id));
        assertTrue(out.contains("cancel requested for " + id), out);
        assertEquals(Cli.FAILED, cli("result", id), "cancelled is not success");
        assertTrue(out.contains("CANCELLED held " + id), out);
        assertEquals(Cli.OK, cli("logs", id));
        assertTrue(out.contains("INFO  cancelled on request"), out);
        assertEquals(Cli.OK, cli("--json", "logs", id, "--from", "1"));
        assertEquals("log", Json.MAPPER.readTree(out.lines().findFirst().orElseThrow()).get("type").asString());
        assertEquals(Cli.OK, cli("list", "--limit", "5"));
        assertTrue(out.contains(id), out);
        assertEquals(Cli.OK, cli("tasks"));
        assertTrue(out.contains("restore_database  [changes data]"), out);
    }
}
