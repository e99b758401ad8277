package dev.tasknode.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliArgsTest {
    private static CliArgs parse(String... argv) throws CliArgs.UsageException {
        return CliArgs.parse(argv, Map.of());
    }

    private static String usage(String... argv) {
        return assertThrows(CliArgs.UsageException.class, () -> parse(argv)).getMessage();
    }

    @Test
    void startWithPositionalParamAndTypedParams() throws Exception {
        CliArgs a = parse("start", "apply_migrations", "shared", "--param", "dry_run=true", "-p", "expect=a=b");
        assertEquals("start", a.command());
        assertEquals(List.of("apply_migrations", "shared"), a.args());
        assertEquals(Map.of("param", "shared", "dry_run", "true", "expect", "a=b"), a.params());
        assertTrue(a.follow());
        assertFalse(a.json());
        assertNull(a.timeoutSeconds());
    }

    @Test
    void startWithoutParamSendsNoParam() throws Exception {
        assertEquals(Map.of(), parse("start", "create_tables").params());
    }

    @Test
    void emptyPositionalParamIsKept() throws Exception {
        // "" = everything in the prototype: it must reach the parser as given
        assertEquals(Map.of("param", ""), parse("start", "create_tables", "").params());
    }

    @Test
    void globalOptionsAnywhereAndInlineValues() throws Exception {
        CliArgs a = parse("--json", "start", "sleep", "3", "--timeout=30", "--node", "n1", "--uri=amqp://u:p@h:1",
                "--no-follow");
        assertTrue(a.json());
        assertEquals(30, a.timeoutSeconds());
        assertEquals("n1", a.node());
        assertEquals("amqp://u:p@h:1", a.uri());
        assertFalse(a.follow());
    }

    @Test
    void defaultsComeFromEnvironmentThenLoopback() throws Exception {
        CliArgs fromEnv = CliArgs.parse(new String[] {"list"},
                Map.of("TASKNODE_AMQP_URI", "amqp://x:y@broker:5672", "TASKNODE_NODE", "other.node"));
        assertEquals("amqp://x:y@broker:5672", fromEnv.uri());
        assertEquals("other.node", fromEnv.node());
        CliArgs plain = parse("list");
        assertEquals("amqp://guest:guest@127.0.0.1:5672", plain.uri());
        assertEquals("admin.task_node", plain.node());
        CliArgs explicit = CliArgs.parse(new String[] {"list", "--node", "mine"}, Map.of("TASKNODE_NODE", "other"));
        assertEquals("mine", explicit.node());
    }

    @Test
    void controlCommands() throws Exception {
        assertEquals("abc", parse("status", "abc").taskId());
        assertEquals(5L, parse("logs", "abc", "--from", "5").fromSeq());
        assertEquals(10, parse("list", "--limit", "10").limit());
        assertEquals("tasks", parse("tasks").command());
        assertEquals("abc", parse("cancel", "abc").taskId());
        assertEquals("abc", parse("result", "abc").taskId());
    }

    @Test
    void helpNeedsNoCommand() throws Exception {
        assertTrue(parse("--help").help());
        assertTrue(parse("start", "-h").help());
    }

    @Test
    void usageErrorsSayWhatIsWrong() {
        assertTrue(usage().contains("no command"));
        assertTrue(usage("frobnicate").contains("unknown command 'frobnicate'"));
        assertTrue(usage("start").contains("usage: start <task> [param]"));
        assertTrue(usage("start", "a", "b", "c").contains("too many arguments (c)"));
        assertTrue(usage("status").contains("missing argument"));
        assertTrue(usage("list", "x").contains("too many arguments"));
        assertTrue(usage("start", "x", "--param", "novalue").contains("name=value"));
        assertTrue(usage("start", "x", "--param", "a=1", "--param", "a=2").contains("given twice"));
        assertTrue(usage("start", "x", "shared", "--param", "param=all").contains("given twice"));
        assertTrue(usage("start", "x", "--timeout", "soon").contains("whole number"));
        assertTrue(usage("start", "x", "--timeout", "0").contains("from 1"));
        assertTrue(usage("start", "x", "--timeout").contains("needs a value"));
        assertTrue(usage("start", "x", "--bogus").contains("unknown option --bogus"));
        assertTrue(usage("status", "x", "--from", "3").contains("--from is not an option of 'status'"));
        assertTrue(usage("list", "--no-follow").contains("--no-follow is not an option of 'list'"));
        assertTrue(usage("list", "--json=yes").contains("takes no value"));
    }

    @Test
    void doubleDashEndsOptions() throws Exception {
        assertEquals(List.of("ping", "--not-an-option"), parse("start", "--", "ping", "--not-an-option").args());
    }
}
