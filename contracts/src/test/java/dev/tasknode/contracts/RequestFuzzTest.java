package dev.tasknode.contracts;

import dev.tasknode.contracts.tasks.ParamDef;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.tasks.ParamType;
import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskParams;
import dev.tasknode.contracts.tasks.TaskSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tasknode.testing.RequestFuzz;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 fuzzing, in-process: 100,000 generated requests (tasknode.fuzz.requests) through the decoder and the
 * parameter parser — the node's code path up to the database — and 2,000 generated parameter sets per task.
 * Every request ends in exactly one outcome (dead-letter, refusal with a known code, or accepted with values the
 * node can record); no other exception escapes; every message is short, printable and free of Java names.
 * The seed is printed; -Dtasknode.fuzz.seed=… replays a run.
 */
class RequestFuzzTest {
    static final long SEED = Long.getLong("tasknode.fuzz.seed", System.nanoTime());
    static final int REQUESTS = Integer.getInteger("tasknode.fuzz.requests", 100_000);
    static final Set<String> REFUSALS = Set.of(ErrorCode.BAD_REQUEST, ErrorCode.UNSUPPORTED_VERSION,
            ErrorCode.INVALID_PARAMS, ErrorCode.UNKNOWN_TASK);

    /** What the node does with a request before it touches the database; the outcome's name. */
    static String outcome(RequestFuzz.Sample s, Instant now) {
        if (!s.replyTo()) {
            return "dead_lettered";
        }
        Requests.Start start;
        try {
            start = Requests.start(s.body(), s.headers(), now);
        } catch (RequestException e) {
            checkMessage(e.getMessage());
            assertTrue(e.taskId() == null || Requests.TASK_ID.matcher(e.taskId()).matches());
            return e.code();
        }
        Optional<TaskSpec> spec = TaskCatalog.find(start.task());
        if (spec.isEmpty()) {
            checkMessage(Text.quote(start.task()));
            return ErrorCode.UNKNOWN_TASK;
        }
        try {
            checkRecordable(spec.get(), spec.get().parse(start.params()));
            return "accepted";
        } catch (ParamException e) {
            checkMessage(e.getMessage());
            return e.toError().code();
        }
    }

    @Test
    void generatedRequestsEachGetExactlyOneOutcome() {
        System.out.println("RequestFuzzTest seed " + SEED + " (-Dtasknode.fuzz.seed=" + SEED + " replays it)");
        RequestFuzz fuzz = new RequestFuzz(SEED);
        Instant now = Instant.now();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            RequestFuzz.Sample s = fuzz.next();
            String o;
            try {
                o = outcome(s, now);
            } catch (AssertionError | RuntimeException e) {
                fail("request #" + i + " of seed " + SEED + " (" + Text.clip(new String(s.body(),
                        java.nio.charset.StandardCharsets.UTF_8)) + ", headers " + Text.clip(s.headers().toString()) + ")", e);
                return;
            }
            assertTrue(o.equals("accepted") || o.equals("dead_lettered") || REFUSALS.contains(o), o);
            outcomes.merge(o, 1, Integer::sum);
        }
        System.out.println("RequestFuzzTest outcomes: " + outcomes);
        assertEquals(REQUESTS, outcomes.values().stream().mapToInt(Integer::intValue).sum());
        // the generator reaches every kind of outcome, or it tests less than it claims
        assertTrue(outcomes.keySet().containsAll(Set.of("accepted", "dead_lettered", ErrorCode.BAD_REQUEST,
                ErrorCode.INVALID_PARAMS, ErrorCode.UNKNOWN_TASK, ErrorCode.UNSUPPORTED_VERSION)), outcomes.toString());
    }

    @Test
    void everyParameterParserRefusesOrTypesGeneratedValues() {
        RequestFuzz fuzz = new RequestFuzz(SEED + 1);
        for (TaskSpec spec : TaskCatalog.all()) {
            int accepted = 0;
            for (int i = 0; i < 2_000; i++) {
                Map<String, Object> params = fuzz.params(spec);
                try {
                    checkRecordable(spec, spec.parse(params));
                    accepted++;
                } catch (ParamException e) {
                    checkMessage(e.getMessage());
                    assertEquals(ErrorCode.INVALID_PARAMS, e.toError().code());
                } catch (RuntimeException | AssertionError e) {
                    fail(spec.name() + " params #" + i + " of seed " + (SEED + 1) + ": " + Text.clip(params.toString()), e);
                }
            }
            assertTrue(accepted > 0 || spec.params().stream().anyMatch(ParamDef::required), spec.name() + " accepted nothing");
        }
    }

    /** Values a run is recorded with: strings PostgreSQL text holds, numbers within their range, JSON-writable. */
    static void checkRecordable(TaskSpec spec, TaskParams p) {
        for (ParamDef d : spec.params()) {
            Object v = p.values().get(d.name());
            if (v instanceof String s) {
                assertNull(Text.unstorable(s), d.name());
                assertTrue(s.length() <= ParamType.STRING_MAX, d.name());
            }
            if (v instanceof Long n) {
                assertTrue(n >= d.min() && n <= d.max(), d.name() + "=" + n);
            }
        }
        String wire = new String(Json.write(p.toWire()), java.nio.charset.StandardCharsets.UTF_8);
        assertNull(Text.unstorable(wire), wire);
    }

    static void checkMessage(String m) {
        assertTrue(m.length() <= 1_000, () -> "message of " + m.length() + " characters: " + Text.clip(m));
        assertNull(Text.unstorable(m), () -> Text.clip(m));
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            assertTrue(c >= 0x20 && c != 0x7f, () -> "control character in: " + Text.clip(m));
        }
        RequestsTest.assertNoJavaNames(m);
    }
}
