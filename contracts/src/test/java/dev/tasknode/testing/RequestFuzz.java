package dev.tasknode.testing;

import dev.tasknode.contracts.tasks.ParamDef;
import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.contracts.Wire;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A seeded generator of hostile task requests (body bytes, headers, with or without reply_to): mostly well-formed
 * JSON with wrong types, edge numbers, NUL and lone surrogates, huge strings, unknown names; some byte-mutated or
 * random bodies. Written by hand because jqwik 1.10.1 asks not to be used by AI agents (README.md, "Fuzzing").
 * The same seed gives the same requests, so a failure is reproduced with its seed.
 */
public final class RequestFuzz {
    /**
     * One generated request. {@code replyTo} false: the request has no reply_to property. {@code correlationId} is
     * the request's AMQP correlation id (a fresh UUID, also the body's task_id unless that was made invalid).
     */
    public record Sample(byte[] body, Map<String, Object> headers, boolean replyTo, String correlationId) {
        /** The correlation id of the node's answer: the body's task id when it is one, else the request's own. */
        public String answerId() {
            try {
                return dev.tasknode.contracts.Requests.start(body, headers, java.time.Instant.now()).taskId();
            } catch (dev.tasknode.contracts.RequestException e) {
                return e.taskId() != null ? e.taskId() : correlationId;
            }
        }
    }

    private static final List<TaskSpec> SPECS = TaskCatalog.all();
    private static final String[] WORDS = {"", " ", "all", "shared", "p_1", "project_7", "123", "1", "0", "-1", "abc",
            "20250520_123456", "20250520_123456:shared", "20250520_123456:1", "20251340_999999", "true", "false", "yes",
            "no", "TRUE", "null", "../etc/passwd", "'; DROP TABLE x; --", "p_", "ABC", "\u00e9t\u00e9", "\ud83d\ude00",
            "a\u0000b", "\u0000", "x\ud800", "\udc00y", "line\nbreak", "tab\there", "\u202eevil", "9223372036854775808"};
    private static final String[] NUMBERS = {"0", "1", "-1", "5", "3600", "3601", "100000", "2.0", "1.5", "-0", "1e3",
            "1e30", "1e400", "-1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "99999999999999999999999999999", "0.0000001", "2147483648"};

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final Random r;

    public RequestFuzz(long seed) {
        this.r = new Random(seed);
    }

    public Sample next() {
        String correlation = UUID.randomUUID().toString();
        byte[] body = switch (r.nextInt(20)) {
            case 0 -> mutate(json(request(correlation)).getBytes(StandardCharsets.UTF_8));
            case 1 -> random();
            default -> json(request(correlation)).getBytes(StandardCharsets.UTF_8);
        };
        return new Sample(body, headers(), r.nextInt(25) != 0, correlation);
    }

    /** A body's fields; sometimes missing, null or of the wrong type. */
    private Map<String, Object> request(String taskId) {
        Map<String, Object> m = new LinkedHashMap<>();
        int v = r.nextInt(20);
        if (v < 16) {
            m.put("v", Raw.of(Integer.toString(Wire.VERSION)));
        } else if (v == 16) {
            m.put("v", value(1));
        } else if (v == 17) {
            m.put("v", Raw.of("2"));
        }
        int id = r.nextInt(20);
        if (id < 16) {
            m.put("task_id", taskId);
        } else if (id == 16) {
            m.put("task_id", taskId + "a".repeat(1 + r.nextInt(300))); // valid up to 128 characters, never reused
        } else if (id < 19) {
            m.put("task_id", value(1));
        }
        TaskSpec spec = SPECS.get(r.nextInt(SPECS.size()));
        int t = r.nextInt(20);
        if (t < 16) {
            m.put("task", spec.name());
        } else if (t < 19) {
            m.put("task", t == 18 ? null : value(1));
        }
        int p = r.nextInt(20);
        if (p < 17) {
            m.put("params", params(spec));
        } else if (p < 19) {
            m.put("params", value(2));
        }
        if (r.nextInt(10) == 0) {
            m.put(string(), value(2)); // unknown top-level fields are ignored
        }
        return m;
    }

    /** Parameters for {@code spec}: its own names with values of any type, the prototype's "param", unknown names. */
    public Map<String, Object> params(TaskSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (ParamDef d : spec.params()) {
            if (r.nextBoolean()) {
                m.put(d.name(), r.nextBoolean() ? plausible(d) : value(2));
            }
        }
        if (r.nextInt(3) == 0) {
            m.put(TaskSpec.PARAM, r.nextInt(4) == 0 ? value(1) : string());
        }
        if (r.nextInt(12) == 0) {
            m.put(string(), value(1));
        }
        return m;
    }

    /** A value of the parameter's own type, in or near its range. */
    private Object plausible(ParamDef d) {
        return switch (d.type()) {
            case BOOLEAN -> pick(true, false, "true", "false");
            case INTEGER -> Raw.of(Long.toString(Math.max(d.min(), 0) + r.nextInt(10) - 1));
            case SCOPE -> pick("", "all", "shared", "1", "p_2", "project_x1");
            case BACKUP_ID, RESTORE_SPEC -> pick("20250520_123456", "20250520_123456:shared", "20250520_123456:7");
            case ONLINE_MODE -> pick("auto", "always", "never", "AUTO", "sometimes");
            case CLUSTER -> pick("default", "tn2", "eu-2", "EU", "1a", "");
            case STRING -> string();
        };
    }

    /** Any JSON value; containers down to {@code depth}. */
    public Object value(int depth) {
        int k = r.nextInt(depth > 0 ? 9 : 7);
        return switch (k) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2, 3 -> Raw.of(NUMBERS[r.nextInt(NUMBERS.length)]);
            case 4 -> Raw.of(Long.toString(r.nextLong() >> r.nextInt(64)));
            case 5, 6 -> string();
            case 7 -> java.util.Arrays.asList(value(depth - 1), value(depth - 1));
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(string(), value(depth - 1));
                yield m;
            }
        };
    }

    public String string() {
        int k = r.nextInt(100);
        if (k < 55) {
            return WORDS[r.nextInt(WORDS.length)];
        }
        if (k < 95) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(40);
            for (int i = 0; i < n; i++) {
                b.append(switch (r.nextInt(6)) {
                    case 0 -> (char) r.nextInt(0x20);
                    case 1 -> (char) (0xd800 + r.nextInt(0x800));
                    case 2 -> (char) r.nextInt(0x10000);
                    default -> (char) ('a' + r.nextInt(26));
                });
            }
            return b.toString();
        }
        if (k < 99 || r.nextInt(10) > 0) {
            return "x".repeat(90 + r.nextInt(200));
        }
        return (r.nextBoolean() ? "s" : "\u0000").repeat(10_000 + r.nextInt(100_000));
    }

    /** Mostly what a client sends; one request in five gets a hostile header. */
    private Map<String, Object> headers() {
        Map<String, Object> h = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        boolean hostile = r.nextInt(5) == 0;
        if (r.nextInt(3) > 0) {
            h.put(Wire.HEADER_TIMEOUT_MS, hostile ? pick("60000", "abc", -5L, 0, 1.5, Long.MAX_VALUE, "", true) : 60_000L);
        }
        if (r.nextInt(3) > 0) {
            h.put(Wire.HEADER_SENT_AT, hostile ? pick(now + 86_400_000L, now - 3_600_000L, "now", -1L, String.valueOf(now))
                    : now);
        }
        if (r.nextInt(4) == 0) {
            h.put(Wire.HEADER_EVENTS_TO_REPLY_TO, hostile ? pick("true", "yes", 1, "FALSE") : r.nextBoolean());
        }
        if (r.nextInt(6) == 0) {
            h.put(Wire.HEADER_ON_BEHALF_OF, hostile ? pick("", "a\u0000b", "x".repeat(300), 42) : "jane");
        }
        return h;
    }

    private Object pick(Object... options) {
        return options[r.nextInt(options.length)];
    }

    private byte[] mutate(byte[] b) {
        byte[] out = b.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n && out.length > 0; i++) {
            int at = r.nextInt(out.length);
            out[at] = switch (r.nextInt(4)) {
                case 0 -> (byte) r.nextInt(256);
                case 1 -> (byte) '"';
                case 2 -> (byte) '{';
                default -> 0;
            };
        }
        return r.nextInt(4) == 0 ? java.util.Arrays.copyOf(out, r.nextInt(out.length + 1)) : out;
    }

    private byte[] random() {
        byte[] b = new byte[r.nextInt(64)];
        r.nextBytes(b);
        return b;
    }

    /** A JSON number written as it is (so a test can send 9223372036854775808 or 1e400). */
    public record Raw(String text) {
        static Raw of(String text) {
            return new Raw(text);
        }
    }

    /** JSON text with every non-ASCII and control character escaped, so lone surrogates survive as \\uXXXX. */
    public static String json(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        switch (v) {
            case null -> b.append("null");
            case Raw n -> b.append(n.text());
            case Boolean x -> b.append(x);
            case Number n -> b.append(n);
            case String s -> {
                b.append('"');
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '"' || c == '\\') {
                        b.append('\\').append(c);
                    } else if (c < 0x20 || c > 0x7e) {
                        b.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15]).append(HEX[c >> 4 & 15])
                                .append(HEX[c & 15]);
                    } else {
                        b.append(c);
                    }
                }
                b.append('"');
            }
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    write(b, String.valueOf(e.getKey()));
                    b.append(':');
                    write(b, e.getValue());
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    write(b, l.get(i));
                }
                b.append(']');
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + v);
        }
    }
}
