package dev.tasknode.contracts;

/** Stable error codes (strings on the wire). Clients switch on these, never on messages. */
public final class ErrorCode {
    private ErrorCode() {}

    public static final String UNKNOWN_TASK = "unknown_task";
    public static final String INVALID_PARAMS = "invalid_params";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String EXPIRED = "expired";
    public static final String CONFLICT = "conflict";
    public static final String NOT_FOUND = "not_found";
    public static final String BAD_REQUEST = "bad_request";
    public static final String UNSUPPORTED_VERSION = "unsupported_version";
    public static final String SHUTTING_DOWN = "shutting_down";
    public static final String CANCELLED = "cancelled";
    public static final String INTERRUPTED = "interrupted";
    public static final String TASK_FAILED = "task_failed";
    public static final String INTERNAL = "internal";
}
