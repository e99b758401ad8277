package dev.tasknode.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.messages.ProgressEvent;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OutputTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Instant T0 = Instant.parse("2026-11-24T06:00:00.120Z");
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBuf = new ByteArrayOutputStream();

    private Output output(boolean json) {
        return new Output(new PrintStream(buf, true, StandardCharsets.UTF_8),
                new PrintStream(errBuf, true, StandardCharsets.UTF_8), UTC, json);
    }

    private String out() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void logLineIsClockLevelMessage() {
        Output o = output(false);
        assertEquals("06:00:00 INFO  restoring shared", o.logLine(LogLine.of("t", 1, T0, "INFO", "restoring shared")));
        assertEquals("06:00:00 ERROR boom", o.logLine(LogLine.of("t", 2, T0, "ERROR", "boom")));
        assertEquals("08:00:00 WARN  x",
                new Output(System.out, System.err, ZoneId.of("Europe/Helsinki"), false).logLine(LogLine.of("t", 1, T0, "WARN", "x")));
    }

    @Test
    void progressLine() {
        Output o = output(false);
        assertEquals("06:00:00 PROG  250/1001 (24%) schemas", o.progressLine(ProgressEvent.of("t", 2, T0, 250, 1001, "schemas")));
        assertEquals("06:00:00 PROG  7", o.progressLine(ProgressEvent.of("t", 2, T0, 7, 0, null)));
    }

    @Test
    void progressIsShownSparingly() {
        Output o = output(false);
        long t = 0;
        assertTrue(o.showProgress(ProgressEvent.of("t", 1, T0, 0, 100, "tables"), t), "the first");
        assertFalse(o.showProgress(ProgressEvent.of("t", 2, T0, 5, 100, "tables"), t + 1));
        assertTrue(o.showProgress(ProgressEvent.of("t", 3, T0, 10, 100, "tables"), t + 2), "a new tenth");
        assertFalse(o.showProgress(ProgressEvent.of("t", 4, T0, 11, 100, "tables"), t + 3));
        assertTrue(o.showProgress(ProgressEvent.of("t", 5, T0, 12, 100, "indexes"), t + 4), "a new message");
        assertTrue(o.showProgress(ProgressEvent.of("t", 6, T0, 13, 100, "indexes"), t + 4 + Output.PROGRESS_EVERY_NANOS),
                "after a while");
        assertTrue(o.showProgress(ProgressEvent.of("t", 7, T0, 100, 100, "indexes"), t + 4 + Output.PROGRESS_EVERY_NANOS),
                "the last");
    }

    @Test
    void finalLineOfSuccessAndFailure() {
        Output o = output(false);
        TaskResult ok = TaskResult.of("id1", 3, "create_tables", TaskStatus.SUCCEEDED, "created 3 schemas", null, null,
                T0, T0.plusMillis(1234));
        assertEquals("SUCCEEDED create_tables id1 in 1.2 s: created 3 schemas", o.finalLine(ok));
        TaskResult failed = TaskResult.of("id2", 3, "apply_migrations", TaskStatus.FAILED, null, null,
                TaskError.of("conflict", "another operation holds shared"), T0, T0.plusMillis(50));
        assertEquals("FAILED apply_migrations id2 in 0.1 s: conflict: another operation holds shared", o.finalLine(failed));
        TaskResult partial = TaskResult.of("id3", 9, "apply_migrations", TaskStatus.PARTIAL, "2 of 3 schemas", null,
                TaskError.of("task_failed", "p_7 failed"), null, null);
        assertEquals("PARTIAL apply_migrations id3: 2 of 3 schemas — task_failed: p_7 failed", o.finalLine(partial));
    }

    @Test
    void aFleetOnSeveralClustersGetsALinePerClusterBeforeTheStatus() {
        Output o = output(false);
        JsonNode doc = Json.MAPPER.valueToTree(Map.of("outcomes", List.of(Map.of("schema", "p_1", "cluster", "tn2")),
                "clusters", List.of(Map.of("cluster", "default", "state", "ok", "schemas", 3),
                        Map.of("cluster", "tn2", "state", "down", "schemas", 2, "error", "cluster tn2 is down: refused"))));
        o.result(TaskResult.of("id1", 3, "apply_migrations", TaskStatus.PARTIAL, "migrated 3", doc, null, T0, T0));
        assertTrue(out().contains("clusters: default ok, 3 schema(s) · tn2 DOWN, 2 schema(s) failed: cluster tn2 is down: refused\n"
                + "PARTIAL apply_migrations"), out());
        // one cluster that took part: nothing more than the document
        assertEquals(null, Output.clustersLine(Json.MAPPER.valueToTree(Map.of("clusters",
                List.of(Map.of("cluster", "default", "state", "ok", "schemas", 3))))));
    }

    @Test
    void resultPrintsTheDocumentThenTheStatusLine() {
        Output o = output(false);
        JsonNode doc = Json.MAPPER.valueToTree(Map.of("schemas", List.of("shared")));
        o.result(TaskResult.of("id1", 3, "create_tables", TaskStatus.SUCCEEDED, "done", doc, null, T0, T0));
        String text = out();
        assertTrue(text.contains("\"schemas\""), text);
        assertTrue(text.strip().endsWith("SUCCEEDED create_tables id1 in 0.0 s: done"), text);
    }

    @Test
    void jsonModeWritesOneWireDocumentPerLine() {
        Output o = output(true);
        o.accepted(TaskReply.accepted("id1", "ping", TaskStatus.ACCEPTED, false), "n");
        o.live(LogLine.of("id1", 1, T0, "INFO", "hello"), 0);
        o.live(TaskResult.of("id1", 2, "ping", TaskStatus.SUCCEEDED, "ok", null, null, T0, T0), 0); // not twice
        o.result(TaskResult.of("id1", 2, "ping", TaskStatus.SUCCEEDED, "ok", null, null, T0, T0));
        String[] lines = out().strip().split("\n");
        assertEquals(3, lines.length, out());
        assertEquals("accepted", Json.MAPPER.readTree(lines[0]).get("type").asString());
        assertEquals("hello", Json.MAPPER.readTree(lines[1]).get("message").asString());
        assertEquals("succeeded", Json.MAPPER.readTree(lines[2]).get("status").asString());
    }

    @Test
    void jsonErrorGoesToStdoutAndHumanToStderr() {
        Output o = output(true);
        o.error(TaskError.of("not_found", "no task x"));
        assertEquals("{\"ok\":false,\"error\":{\"code\":\"not_found\",\"message\":\"no task x\"}}", out().strip());
        assertEquals("tasknode: not_found: no task x", errBuf.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void exitCodesByStatus() {
        assertEquals(Cli.OK, Cli.exitCode(TaskStatus.SUCCEEDED));
        assertEquals(Cli.PARTIAL, Cli.exitCode(TaskStatus.PARTIAL));
        assertEquals(Cli.FAILED, Cli.exitCode(TaskStatus.FAILED));
        assertEquals(Cli.FAILED, Cli.exitCode(TaskStatus.CANCELLED));
        assertEquals(Cli.FAILED, Cli.exitCode(TaskStatus.INTERRUPTED));
        assertEquals(Cli.NOT_FINISHED, Cli.exitCode(TaskStatus.RUNNING));
    }
}
