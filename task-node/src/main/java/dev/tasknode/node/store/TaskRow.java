package dev.tasknode.node.store;

import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.messages.TaskSummary;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** One row of {@code task_run}. */
public record TaskRow(String taskId, String node, String task, Map<String, Object> params, TaskStatus status,
                      String requestedBy, String instanceId, Instant createdAt, Instant startedAt,
                      Instant finishedAt, String summary, JsonNode result, TaskError error, long lastSeq,
                      boolean cancelRequested) {

    public TaskSummary toSummary() {
        return new TaskSummary(taskId, node, task, params, status, requestedBy, createdAt, startedAt, finishedAt,
                summary, lastSeq, cancelRequested);
    }

    /** The final result document; only for finished runs. Its seq is the run's last event. */
    public TaskResult toResult() {
        return TaskResult.of(taskId, lastSeq, task, status, summary, result, error, startedAt, finishedAt);
    }
}
