package dev.tasknode.contracts.messages;

import dev.tasknode.contracts.Wire;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * The final outcome of a task: sent to the request's {@code reply_to} (correlation id = task id) and
 * published as the last event of the task. {@code result} is the task's own JSON document (present for
 * succeeded and partial runs, and for failed runs that got far enough to say what they did);
 * {@code error} is set for every status but succeeded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskResult(int v, String type, String taskId, long seq, Instant ts, String task, TaskStatus status,
                         String summary, JsonNode result, TaskError error, Instant startedAt, Instant finishedAt)
        implements TaskEvent {
    public static final String TYPE = "result";

    public static TaskResult of(String taskId, long seq, String task, TaskStatus status, String summary,
                                JsonNode result, TaskError error, Instant startedAt, Instant finishedAt) {
        return new TaskResult(Wire.VERSION, TYPE, taskId, seq, finishedAt, task, status, summary, result, error,
                startedAt, finishedAt);
    }

    public boolean succeeded() {
        return status == TaskStatus.SUCCEEDED;
    }

    public Duration duration() {
        return startedAt == null || finishedAt == null ? Duration.ZERO : Duration.between(startedAt, finishedAt);
    }
}
