package dev.tasknode.contracts;

import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.tasks.ParamType;
import dev.tasknode.contracts.tasks.TaskNames;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Decoding of what a caller sends, with the checks docs/protocol.md promises: the {@code task.start} body and
 * headers, and the {@code task.control} body. Every refusal is a {@link RequestException} with a short message and
 * no Java names; what it decodes the node can record (no NUL, bounded lengths). The node's listeners and the
 * fuzz tests call this one decoder.
 */
public final class Requests {
    private Requests() {}

    /** Task ids: 1-128 letters, digits, '.', '_', ':', '-', starting with a letter or digit (a UUID fits). */
    public static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    public static final String TASK_ID_ACCEPTED = "1-128 characters of letters, digits, '.', '_', ':', '-', starting"
            + " with a letter or digit (use a UUID)";
    /** Longest x-timeout-ms: one year. */
    public static final long MAX_TIMEOUT_MS = Duration.ofDays(365).toMillis();
    /** How far x-sent-at may be ahead of the node's clock (clock skew between hosts). */
    public static final Duration MAX_CLOCK_AHEAD = Duration.ofSeconds(60);
    /** Longest x-on-behalf-of (it is recorded as requested_by). */
    public static final int ON_BEHALF_OF_MAX = 200;

    /** A decoded task.start. {@code deadline} is null without x-timeout-ms. */
    public record Start(String taskId, String task, Map<String, Object> params, Instant deadline,
                        boolean eventsToReplyTo, String onBehalfOf) {}

    public static Start start(byte[] body, Map<String, ?> headers, Instant now) {
        JsonNode root = object(body, "a task request {\"v\": 1, \"task_id\": \"<uuid>\", \"task\": \"ping\", \"params\": {}}");
        version(root);
        JsonNode id = root.get("task_id");
        if (id == null || id.isNull()) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "task_id is missing; accepted: " + TASK_ID_ACCEPTED, null, null);
        }
        if (!id.isString() || !TASK_ID.matcher(id.asString()).matches()) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "task_id " + shown(id) + " is not a task id; accepted: "
                    + TASK_ID_ACCEPTED, null, null);
        }
        String taskId = id.asString();
        JsonNode t = root.get("task");
        if (t == null || t.isNull()) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "task is missing; accepted: a task name (the tasks"
                    + " control call lists them)", taskId, null);
        }
        if (!t.isString()) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "task must be a string, got " + shown(t), taskId, null);
        }
        String task = t.asString();
        String taskShown = TaskNames.NAME.matcher(task).matches() ? task : null;
        JsonNode p = root.get("params");
        Map<String, Object> params = new LinkedHashMap<>();
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                throw new RequestException(ErrorCode.INVALID_PARAMS, "params must be a JSON object, got " + shown(p),
                        taskId, taskShown);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = Json.MAPPER.treeToValue(p, LinkedHashMap.class);
            params.putAll(m);
        }
        Map<String, ?> h = headers == null ? Map.of() : headers;
        try {
            Long timeout = header(h, Wire.HEADER_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
            Long sentAt = header(h, Wire.HEADER_SENT_AT, 0, Long.MAX_VALUE);
            if (sentAt != null && sentAt > now.plus(MAX_CLOCK_AHEAD).toEpochMilli()) {
                throw bad("header " + Wire.HEADER_SENT_AT + " " + Instant.ofEpochMilli(sentAt) + " is ahead of the node's clock ("
                        + now + ") by more than " + MAX_CLOCK_AHEAD.toSeconds() + " s; accepted: the epoch milliseconds"
                        + " at which the request was sent");
            }
            Instant deadline = timeout == null ? null
                    : (sentAt == null ? now : Instant.ofEpochMilli(sentAt)).plusMillis(timeout);
            return new Start(taskId, task, params, deadline, flag(h, Wire.HEADER_EVENTS_TO_REPLY_TO), onBehalfOf(h));
        } catch (RequestException e) {
            throw new RequestException(e.code(), e.getMessage(), taskId, taskShown);
        }
    }

    /** A decoded task.control body. {@code limit} and {@code from_seq} absent or 0 mean the defaults. */
    public static ControlRequest control(byte[] body) {
        JsonNode root = object(body, "a control request {\"v\": 1, \"op\": \"status\", \"task_id\": \"<uuid>\"}");
        int v = version(root);
        JsonNode op = root.get("op");
        if (op == null || op.isNull() || !op.isString()) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "op " + (op == null || op.isNull() ? "is missing" : shown(op)
                    + " is not an operation") + "; accepted: " + String.join(", ", TaskNames.Control.ALL), null, null);
        }
        JsonNode id = root.get("task_id");
        String taskId = null;
        if (id != null && !id.isNull()) {
            if (!id.isString() || !TASK_ID.matcher(id.asString()).matches()) {
                throw new RequestException(ErrorCode.BAD_REQUEST, "task_id " + shown(id) + " is not a task id; accepted: "
                        + TASK_ID_ACCEPTED, null, null);
            }
            taskId = id.asString();
        }
        Long from = number(root, "from_seq", 0, Long.MAX_VALUE);
        Long limit = number(root, "limit", 0, Integer.MAX_VALUE);
        return new ControlRequest(v, op.asString(), taskId, from, limit == null ? null : limit.intValue());
    }

    private static JsonNode object(byte[] body, String what) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            var at = e.getLocation();
            throw new RequestException(ErrorCode.BAD_REQUEST, "the body is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + "; accepted: " + what, null, null);
        }
        if (root == null || !root.isObject()) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "the body must be a JSON object, got "
                    + (root == null || root.isMissingNode() ? "nothing" : shown(root)) + "; accepted: " + what, null, null);
        }
        return root;
    }

    private static int version(JsonNode root) {
        JsonNode v = root.get("v");
        if (v == null || v.isNull()) {
            return Wire.VERSION; // callers written before versions existed
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "v " + shown(v) + " is not a protocol version; accepted: "
                    + Wire.VERSION, null, null);
        }
        if (v.asInt() > Wire.VERSION) {
            throw new RequestException(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + v.asInt()
                    + " is newer than this node's " + Wire.VERSION, null, null);
        }
        return v.asInt();
    }

    private static Long number(JsonNode root, String field, long min, long max) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        Object raw = n.isNumber() ? n.numberValue() : n.isString() ? n.asString() : Json.MAPPER.treeToValue(n, Object.class);
        return range(field, raw, min, max);
    }

    private static Long header(Map<String, ?> h, String name, long min, long max) {
        Object raw = h.get(name);
        return raw == null ? null : range("header " + name, raw, min, max);
    }

    /** {@code what}: "limit", "header x-timeout-ms", … as the message names it. */
    private static long range(String what, Object raw, long min, long max) {
        String accepted = "a whole number from " + min + " to " + max;
        long v;
        try {
            v = ParamType.whole(null, raw, accepted); // the parser's message without "parameter '…'"
        } catch (ParamException e) {
            throw bad(what + ": " + e.getMessage());
        }
        if (v < min || v > max) {
            throw bad(what + ": " + v + " is out of range; accepted: " + accepted);
        }
        return v;
    }

    private static boolean flag(Map<String, ?> h, String name) {
        return switch (h.get(name)) {
            case null -> false;
            case Boolean b -> b;
            case String s when s.equals("true") -> true;
            case String s when s.equals("false") -> false;
            case Object o -> throw bad("header " + name + ": expected true or false, got " + Text.describe(o));
        };
    }

    private static String onBehalfOf(Map<String, ?> h) {
        Object raw = h.get(Wire.HEADER_ON_BEHALF_OF);
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof String s) || s.isBlank() || s.length() > ON_BEHALF_OF_MAX || Text.unstorable(s) != null) {
            throw bad("header " + Wire.HEADER_ON_BEHALF_OF + ": " + Text.describe(raw) + " is not a person's name; accepted: a string"
                    + " of 1-" + ON_BEHALF_OF_MAX + " characters without NUL");
        }
        return s;
    }

    private static RequestException bad(String message) {
        return new RequestException(ErrorCode.BAD_REQUEST, message, null, null);
    }

    /** A JSON value as it may appear in a message: strings through {@link Text#quote}, containers by kind. */
    private static String shown(JsonNode n) {
        if (n.isString()) {
            return Text.quote(n.asString());
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "a list";
        }
        return n.isNumber() ? "number " + Text.number(n.asString()) : Text.clip(n.toString());
    }
}
