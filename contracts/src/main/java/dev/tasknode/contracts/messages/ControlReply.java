package dev.tasknode.contracts.messages;

import dev.tasknode.contracts.Wire;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.tasks.TaskSpec;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Answer to a control call. {@code ok = false} carries an {@link #error}; otherwise the field of the
 * operation is set: {@code task} (status, cancel), {@code result} (result; absent while the task runs),
 * {@code events} (logs), {@code tasks} (list), {@code specs} (tasks).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlReply(int v, String op, boolean ok, TaskSummary task, TaskResult result,
                          List<TaskEvent> events, List<TaskSummary> tasks, List<TaskSpec> specs,
                          TaskError error) {
    public static ControlReply error(String op, TaskError error) {
        return new ControlReply(Wire.VERSION, op, false, null, null, null, null, null, error);
    }

    public static ControlReply task(String op, TaskSummary task, TaskResult result) {
        return new ControlReply(Wire.VERSION, op, true, task, result, null, null, null, null);
    }

    public static ControlReply events(TaskSummary task, List<TaskEvent> events) {
        return new ControlReply(Wire.VERSION, TaskNames.Control.LOGS, true, task, null, events, null, null, null);
    }

    public static ControlReply tasks(List<TaskSummary> tasks) {
        return new ControlReply(Wire.VERSION, TaskNames.Control.LIST, true, null, null, null, tasks, null, null);
    }

    public static ControlReply specs(List<TaskSpec> specs) {
        return new ControlReply(Wire.VERSION, TaskNames.Control.TASKS, true, null, null, null, null, specs, null);
    }
}
