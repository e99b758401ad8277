package dev.tasknode.contracts;

import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.tasks.TaskCatalog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request decoder and the parameter parser against the hostile inputs of issue 11. */
class RequestsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static RequestException refused(String body, Map<String, ?> headers) {
        return assertThrows(RequestException.class,
                () -> Requests.start(body.getBytes(StandardCharsets.UTF_8), headers, NOW));
    }

    private static Requests.Start start(String body, Map<String, ?> headers) {
        return Requests.start(body.getBytes(StandardCharsets.UTF_8), headers, NOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "", "[]", "\"x\"", "42", "{", "{\"v\":1,", "nonsense"})
    void bodiesThatAreNoObjectAreBadRequests(String body) {
        RequestException e = refused(body, Map.of());
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().contains("accepted"), e.getMessage());
        assertNoJavaNames(e.getMessage());
    }

    @Test
    void missingOrNullTaskIsABadRequestNotAnUnknownTask() {
        for (String body : new String[] {"{\"task_id\":\"a1\"}", "{\"task_id\":\"a1\",\"task\":null}"}) {
            RequestException e = refused(body, Map.of());
            assertEquals(ErrorCode.BAD_REQUEST, e.code(), body);
            assertEquals("a1", e.taskId());
            assertTrue(e.getMessage().startsWith("task is missing"), e.getMessage());
        }
        assertEquals(ErrorCode.BAD_REQUEST, refused("{\"task_id\":\"a1\",\"task\":7}", Map.of()).code());
    }

    @Test
    void aHugeTaskIdIsRefusedShortly() {
        String id = "a".repeat(10_000);
        RequestException e = refused("{\"task_id\":\"" + id + "\",\"task\":\"ping\"}", Map.of());
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertNull(e.taskId(), "an invalid id is never used as the answer's correlation id");
        assertTrue(e.getMessage().contains("(10,000 characters)"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    @Test
    void timeoutHeaderMustBeAPositiveWholeNumber() {
        String body = "{\"task_id\":\"a1\",\"task\":\"ping\"}";
        for (Object bad : new Object[] {"abc", -5L, 0, 1.5, "1e3", true}) {
            RequestException e = refused(body, Map.of(Wire.HEADER_TIMEOUT_MS, bad));
            assertEquals(ErrorCode.BAD_REQUEST, e.code(), String.valueOf(bad));
            assertTrue(e.getMessage().contains(Wire.HEADER_TIMEOUT_MS), e.getMessage());
            assertEquals("a1", e.taskId());
            assertEquals("ping", e.task());
        }
        assertEquals(NOW.plusMillis(1500), start(body, Map.of(Wire.HEADER_TIMEOUT_MS, "1500")).deadline());
        assertEquals(Instant.ofEpochMilli(1000 + 2000),
                start(body, Map.of(Wire.HEADER_TIMEOUT_MS, 2000L, Wire.HEADER_SENT_AT, 1000L)).deadline());
        assertNull(start(body, Map.of()).deadline());
    }

    @Test
    void sentAtInTheFutureIsRefused() {
        String body = "{\"task_id\":\"a1\",\"task\":\"ping\"}";
        long dayAhead = NOW.plusSeconds(86_400).toEpochMilli();
        RequestException e = refused(body, Map.of(Wire.HEADER_TIMEOUT_MS, 1000L, Wire.HEADER_SENT_AT, dayAhead));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().contains("ahead of the node's clock"), e.getMessage());
        // within the tolerated clock skew it is taken as sent
        long skew = NOW.plusSeconds(30).toEpochMilli();
        assertEquals(Instant.ofEpochMilli(skew + 1000),
                start(body, Map.of(Wire.HEADER_TIMEOUT_MS, 1000L, Wire.HEADER_SENT_AT, skew)).deadline());
    }

    @Test
    void otherHeadersAreCheckedToo() {
        String body = "{\"task_id\":\"a1\",\"task\":\"ping\"}";
        assertEquals(ErrorCode.BAD_REQUEST, refused(body, Map.of(Wire.HEADER_EVENTS_TO_REPLY_TO, "yes")).code());
        assertTrue(start(body, Map.of(Wire.HEADER_EVENTS_TO_REPLY_TO, "true")).eventsToReplyTo());
        assertEquals(ErrorCode.BAD_REQUEST, refused(body, Map.of(Wire.HEADER_ON_BEHALF_OF, "a\u0000b")).code());
        assertEquals(ErrorCode.BAD_REQUEST, refused(body, Map.of(Wire.HEADER_ON_BEHALF_OF, "x".repeat(201))).code());
        assertEquals("jane", start(body, Map.of(Wire.HEADER_ON_BEHALF_OF, "jane")).onBehalfOf());
    }

    @Test
    void errorsEchoAtMostAHundredCharactersAndNoJavaNames() {
        String mb = "s".repeat(1_048_576);
        ParamException e = assertThrows(ParamException.class, () -> TaskCatalog.parse("backup_database", Map.of("scope", mb)));
        assertTrue(e.getMessage().contains("(1,048,576 characters)"), e.getMessage().substring(0, 200));
        assertTrue(e.getMessage().length() < 600, "message length " + e.getMessage().length());
        ParamException unknown = assertThrows(ParamException.class,
                () -> TaskCatalog.parse("x".repeat(100_000), Map.of()));
        assertTrue(unknown.getMessage().length() < 600, "message length " + unknown.getMessage().length());
        RequestException params = refused("{\"task_id\":\"a1\",\"task\":\"ping\",\"params\":[1]}", Map.of());
        assertEquals(ErrorCode.INVALID_PARAMS, params.code());
        for (String body : new String[] {"{\"v\":[1],\"task_id\":\"a1\",\"task\":\"ping\"}",
                "{\"v\":\"one\",\"task_id\":\"a1\",\"task\":\"ping\"}", "{\"task_id\":{\"a\":1},\"task\":\"ping\"}"}) {
            assertNoJavaNames(assertThrows(RuntimeException.class,
                    () -> Requests.start(body.getBytes(StandardCharsets.UTF_8), Map.of(), NOW)).getMessage());
        }
        ParamException obj = assertThrows(ParamException.class, () -> TaskCatalog.parse("ping", Map.of("message", Map.of("a", 1))));
        assertTrue(obj.getMessage().contains("an object"), obj.getMessage());
        assertNoJavaNames(obj.getMessage());
    }

    @Test
    void nulAndLoneSurrogatesAreInvalidParams() {
        for (String bad : new String[] {"a\u0000b", "x\ud800y", "\udc00"}) {
            ParamException e = assertThrows(ParamException.class, () -> TaskCatalog.parse("ping", Map.of("message", bad)));
            assertEquals(ErrorCode.INVALID_PARAMS, e.toError().code());
            assertFalse(e.getMessage().contains("\u0000"), "the NUL is escaped in the message");
        }
        assertEquals("ok \ud83d\ude00", TaskCatalog.parse("ping", Map.of("message", "ok \ud83d\ude00")).string("message"));
        Requests.Start s = start("{\"task_id\":\"a1\",\"task\":\"ping\",\"params\":{\"message\":\"a\\u0000b\"}}", Map.of());
        assertEquals(ErrorCode.INVALID_PARAMS, assertThrows(ParamException.class,
                () -> TaskCatalog.parse(s.task(), s.params())).toError().code());
    }

    @Test
    void numbersOutsideSixtyFourBitsAreRefusedAsSuch() {
        for (String n : new String[] {"9223372036854775808", "-9223372036854775809", "1e30", "99999999999999999999999"}) {
            Requests.Start s = start("{\"task_id\":\"a1\",\"task\":\"sleep\",\"params\":{\"seconds\":" + n + "}}", Map.of());
            ParamException e = assertThrows(ParamException.class, () -> TaskCatalog.parse(s.task(), s.params()));
            assertTrue(e.getMessage().contains("outside the 64-bit range"), e.getMessage());
            assertFalse(e.getMessage().contains("-9223372036854775808 is out of range"), e.getMessage());
        }
        ParamException frac = assertThrows(ParamException.class, () -> TaskCatalog.parse("sleep", Map.of("seconds", 1.5)));
        assertTrue(frac.getMessage().contains("expected a whole number"), frac.getMessage());
        assertEquals(2L, TaskCatalog.parse("sleep", Map.of("seconds", 2.0)).number("seconds"));
        assertEquals(3L, TaskCatalog.parse("sleep", Map.of("seconds", "3")).number("seconds"));
    }

    @Test
    void booleansAreTheSameRuleForEveryParameter() {
        for (String[] tp : new String[][] {{"apply_migrations", "allow_destructive"}, {"apply_migrations", "dry_run"},
                {"apply_migrations", "backup"}, {"prune_backups", "dry_run"}, {"restore_database", "safety_backup"}}) {
            Map<String, Object> extra = tp[0].equals("restore_database") ? Map.of("spec", "20250520_123456") : Map.of();
            for (Object bad : new Object[] {"yes", "no", "1", "0", "TRUE", "maybe", 1, ""}) {
                java.util.Map<String, Object> in = new java.util.HashMap<>(extra);
                in.put(tp[1], bad);
                ParamException e = assertThrows(ParamException.class, () -> TaskCatalog.parse(tp[0], in), tp[1] + "=" + bad);
                assertTrue(e.getMessage().contains("true or false"), e.getMessage());
            }
            for (Object good : new Object[] {true, "true"}) {
                java.util.Map<String, Object> in = new java.util.HashMap<>(extra);
                in.put(tp[1], good);
                assertTrue(TaskCatalog.parse(tp[0], in).flag(tp[1]));
            }
        }
    }

    @Test
    void controlBodiesAreCheckedTheSameWay() {
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(RequestException.class,
                () -> Requests.control("null".getBytes())).code());
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(RequestException.class,
                () -> Requests.control("{\"op\":\"logs\",\"task_id\":\"a1\",\"limit\":\"many\"}".getBytes())).code());
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(RequestException.class,
                () -> Requests.control("{\"op\":\"logs\",\"task_id\":\"a1\",\"limit\":-1}".getBytes())).code());
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(RequestException.class,
                () -> Requests.control(("{\"op\":\"status\",\"task_id\":\"" + "a".repeat(10_000) + "\"}").getBytes())).code());
        ControlRequest ok = Requests.control("{\"op\":\"logs\",\"task_id\":\"a1\",\"from_seq\":3,\"limit\":20}".getBytes());
        assertEquals(3L, ok.fromSeq());
        assertEquals(20, ok.limit());
    }

    static void assertNoJavaNames(String message) {
        for (String java : new String[] {"dev.tasknode", "java.", "LinkedHashMap", "DeserializationFeature", "Exception",
                "tools.jackson", "Integer", "Long"}) {
            assertFalse(message.contains(java), "'" + java + "' in: " + message);
        }
    }
}
