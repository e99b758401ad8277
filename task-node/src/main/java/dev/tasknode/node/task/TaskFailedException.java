package dev.tasknode.node.task;

import dev.tasknode.contracts.messages.TaskError;

/** Thrown by a task to fail with a specific error code (e.g. not_found for an unknown backup id). */
public class TaskFailedException extends RuntimeException {
    private final TaskError error;

    public TaskFailedException(String code, String message) {
        super(message);
        this.error = TaskError.of(code, message);
    }

    public TaskError error() {
        return error;
    }
}
