package dev.tasknode.contracts.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/** A task run as the node records it: what {@code status} and {@code list} return. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSummary(String taskId, String node, String task, Map<String, Object> params, TaskStatus status,
                          String requestedBy, Instant createdAt, Instant startedAt, Instant finishedAt,
                          String summary, long lastSeq, boolean cancelRequested) {}
