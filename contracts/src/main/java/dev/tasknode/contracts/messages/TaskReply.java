package dev.tasknode.contracts.messages;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.Wire;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The node's immediate answer to a {@code task.start}: {@code accepted} (the run is durably recorded) or
 * {@code rejected} (nothing runs; {@link #error} says why). A duplicate of a known task id is answered
 * {@code accepted} with {@code duplicate = true} and the run's current status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskReply(int v, String type, String taskId, String task, TaskStatus status, boolean duplicate,
                        TaskError error) {
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";

    public static TaskReply accepted(String taskId, String task, TaskStatus status, boolean duplicate) {
        return new TaskReply(Wire.VERSION, ACCEPTED, taskId, task, status, duplicate, null);
    }

    public static TaskReply rejected(String taskId, String task, TaskError error) {
        TaskStatus st = ErrorCode.EXPIRED.equals(error.code()) ? TaskStatus.EXPIRED : TaskStatus.REJECTED;
        return new TaskReply(Wire.VERSION, REJECTED, taskId, task, st, false, error);
    }

    public boolean isAccepted() {
        return ACCEPTED.equals(type);
    }
}
