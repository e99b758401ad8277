package dev.tasknode.node.task;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskStatus;

/**
 * How a task ended, as the task itself judges it. Partial means some units (schemas) failed and is never
 * success; failed may still carry a result describing what was done.
 *
 * @param summary one line for people ("migrated 998 of 1000 schemas, 2 failed")
 * @param result  any value the wire JSON mapping can serialize (records, maps, lists), or null
 */
public record TaskOutcome(TaskStatus status, String summary, Object result, TaskError error) {
    public static TaskOutcome ok(String summary, Object result) {
        return new TaskOutcome(TaskStatus.SUCCEEDED, summary, result, null);
    }

    public static TaskOutcome partial(String summary, Object result) {
        return new TaskOutcome(TaskStatus.PARTIAL, summary, result, TaskError.of(ErrorCode.TASK_FAILED, summary));
    }

    public static TaskOutcome failed(String summary, Object result) {
        return new TaskOutcome(TaskStatus.FAILED, summary, result, TaskError.of(ErrorCode.TASK_FAILED, summary));
    }

    /** Stopped on request before all its work was done; the result says what was done and what was left. */
    public static TaskOutcome cancelled(String summary, Object result) {
        return new TaskOutcome(TaskStatus.CANCELLED, summary, result, TaskError.of(ErrorCode.CANCELLED, summary));
    }

    public static TaskOutcome failed(TaskError error, Object result) {
        return new TaskOutcome(TaskStatus.FAILED, error.message(), result, error);
    }
}
