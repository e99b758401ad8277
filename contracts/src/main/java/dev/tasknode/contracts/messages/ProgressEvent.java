package dev.tasknode.contracts.messages;

import dev.tasknode.contracts.Wire;
import java.time.Instant;

/** Progress of a task: {@code done} of {@code total} units (schemas, tables, …); total 0 when unknown. */
public record ProgressEvent(int v, String type, String taskId, long seq, Instant ts, long done, long total,
                            String message) implements TaskEvent {
    public static final String TYPE = "progress";

    public static ProgressEvent of(String taskId, long seq, Instant ts, long done, long total, String message) {
        return new ProgressEvent(Wire.VERSION, TYPE, taskId, seq, ts, done, total, message);
    }
}
