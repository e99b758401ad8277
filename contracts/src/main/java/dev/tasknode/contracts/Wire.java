package dev.tasknode.contracts;

/**
 * Names on the broker that callers and nodes agree on. docs/protocol.md is the human-readable form of this
 * class; keep the two in step.
 */
public final class Wire {
    private Wire() {}

    /** Bumped only for incompatible changes; a node rejects a request with a higher major version. */
    public static final int VERSION = 1;

    public static final String DEFAULT_NODE = "admin.task_node";
    /** Topic exchange on which log lines, progress and results are published. */
    public static final String EVENTS_EXCHANGE = "tasknode.events";
    /** Control calls go to the queue {@code <node>.control}. */
    public static final String CONTROL_SUFFIX = ".control";

    public static final String CONTENT_TYPE = "application/json";

    // AMQP 'type' property of each message
    public static final String TYPE_TASK_START = "task.start";
    public static final String TYPE_CONTROL = "task.control";
    public static final String TYPE_ACCEPTED = "task.accepted";
    public static final String TYPE_REJECTED = "task.rejected";
    public static final String TYPE_CONTROL_REPLY = "task.control.reply";
    public static final String TYPE_LOG = "task.log";
    public static final String TYPE_PROGRESS = "task.progress";
    public static final String TYPE_RESULT = "task.result";

    // headers
    /** The caller's timeout in milliseconds; with {@link #HEADER_SENT_AT} it gives the request's deadline. */
    public static final String HEADER_TIMEOUT_MS = "x-timeout-ms";
    /** Epoch milliseconds at which the caller published the request. */
    public static final String HEADER_SENT_AT = "x-sent-at";
    public static final String HEADER_VERSION = "x-tasknode-version";
    /** The person a trusted service acts for (display only; see docs/protocol.md). */
    public static final String HEADER_ON_BEHALF_OF = "x-on-behalf-of";
    /**
     * {@code true}: the node also sends the task's log and progress events to {@code reply_to}, so the starting
     * caller needs no per-task binding (a binding costs the broker a metadata change per task). Optional;
     * a node that does not know it only publishes events on the events exchange.
     */
    public static final String HEADER_EVENTS_TO_REPLY_TO = "x-events-to-reply-to";

    public static String controlQueue(String node) {
        return node + CONTROL_SUFFIX;
    }

    /** Routing key of one event of one task: {@code <node>.<taskId>.<kind>} with kind log, progress or result. */
    public static String eventKey(String node, String taskId, String kind) {
        return node + "." + taskId + "." + kind;
    }

    /** Binding that receives every event of one task. */
    public static String taskBinding(String node, String taskId) {
        return node + "." + taskId + ".#";
    }
}
