package dev.tasknode.contracts.messages;

import dev.tasknode.contracts.Wire;
import dev.tasknode.contracts.tasks.TaskNames;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of a {@code task.control} message to {@code <node>.control}.
 *
 * @param op      one of {@link TaskNames.Control}
 * @param taskId  for status, result, logs, cancel
 * @param fromSeq for logs: first sequence number wanted (default 1)
 * @param limit   for logs and list: at most this many entries (defaults 1000 and 50)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlRequest(int v, String op, String taskId, Long fromSeq, Integer limit) {
    public static ControlRequest of(String op, String taskId) {
        return new ControlRequest(Wire.VERSION, op, taskId, null, null);
    }

    public static ControlRequest logs(String taskId, long fromSeq, int limit) {
        return new ControlRequest(Wire.VERSION, TaskNames.Control.LOGS, taskId, fromSeq, limit);
    }

    public static ControlRequest list(int limit) {
        return new ControlRequest(Wire.VERSION, TaskNames.Control.LIST, null, null, limit);
    }
}
