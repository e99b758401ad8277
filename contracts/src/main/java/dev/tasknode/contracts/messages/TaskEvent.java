package dev.tasknode.contracts.messages;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * What a running task publishes on the events exchange, numbered per task by {@link #seq()} (1, 2, 3, …
 * without gaps, shared by all three kinds) so a caller can tell whether it missed something and fetch it
 * with the {@code logs} control call.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type", visible = true)
@JsonSubTypes({
        @JsonSubTypes.Type(value = LogLine.class, name = LogLine.TYPE),
        @JsonSubTypes.Type(value = ProgressEvent.class, name = ProgressEvent.TYPE),
        @JsonSubTypes.Type(value = TaskResult.class, name = TaskResult.TYPE)})
public sealed interface TaskEvent permits LogLine, ProgressEvent, TaskResult {
    String type();

    String taskId();

    long seq();

    Instant ts();
}
