package dev.tasknode.contracts;

import dev.tasknode.contracts.messages.TaskError;

/**
 * A request the node refuses before anything runs: an {@link ErrorCode} and a short message (input is echoed
 * through {@link Text}). {@code taskId} and {@code task} are set once they were found valid, so the refusal can
 * name them.
 */
public class RequestException extends RuntimeException {
    private final String code;
    private final String taskId;
    private final String task;

    public RequestException(String code, String message, String taskId, String task) {
        super(message, null, false, false); // a refusal, not a fault: no stack trace
        this.code = code;
        this.taskId = taskId;
        this.task = task;
    }

    public String code() {
        return code;
    }

    public String taskId() {
        return taskId;
    }

    public String task() {
        return task;
    }

    public TaskError toError() {
        return TaskError.of(code, getMessage());
    }
}
