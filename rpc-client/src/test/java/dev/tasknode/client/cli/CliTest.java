package dev.tasknode.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI's paths that need no broker: help, usage errors, parameters refused locally, no broker at all. */
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        // an address where nothing listens: whatever needs the broker fails, nothing else may need it
        return Cli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("TASKNODE_AMQP_URI", "amqp://guest:guest@127.0.0.1:1"));
    }

    @Test
    void helpDocumentsTheExitCodes() {
        assertEquals(Cli.OK, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("exit codes:"), help);
        for (String code : new String[] {"0  the task succeeded", "1  the task failed", "2  usage error",
                "3  the node rejected", "4  the task finished partially", "5  timeout", "6  cannot connect",
                "7  no such node", "8  result: the task has not finished"}) {
            assertTrue(help.contains(code), code);
        }
    }

    @Test
    void usageErrorExitsTwo() {
        assertEquals(Cli.USAGE, run("start"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: start <task> [param]"));
    }

    @Test
    void badParamsAreRefusedLocallyWithTheContractsMessage() {
        assertEquals(Cli.USAGE, run("start", "restore_database", "2025-05-20"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("invalid_params: parameter 'param': \"2025-05-20\" is not a backup id; accepted: YYYYMMDD_HHMMSS"), e);
        assertEquals(Cli.USAGE, run("start", "sleep", "--param", "seconds=9999"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("out of range"));
        assertEquals(Cli.USAGE, run("start", "list_backups", "--param", "scope=shared"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown parameter for list_backups"));
    }

    @Test
    void badParamsInJsonModeGiveAnErrorDocument() {
        assertEquals(Cli.USAGE, run("--json", "start", "sleep", "x"));
        String o = out.toString(StandardCharsets.UTF_8);
        assertTrue(o.startsWith("{\"ok\":false,\"error\":{\"code\":\"invalid_params\""), o);
    }

    @Test
    void noBrokerIsAConnectionError() {
        assertEquals(Cli.CONNECTION, run("list"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot connect to the broker at 127.0.0.1:1"));
        assertEquals(Cli.CONNECTION, run("start", "ping"));
    }
}
