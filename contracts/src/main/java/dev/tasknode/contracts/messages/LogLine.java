package dev.tasknode.contracts.messages;

import dev.tasknode.contracts.Wire;
import java.time.Instant;

/** One log line of a task. {@code level} is INFO, WARN or ERROR. */
public record LogLine(int v, String type, String taskId, long seq, Instant ts, String level, String message)
        implements TaskEvent {
    public static final String TYPE = "log";

    public static LogLine of(String taskId, long seq, Instant ts, String level, String message) {
        return new LogLine(Wire.VERSION, TYPE, taskId, seq, ts, level, message);
    }

    @Override
    public String toString() {
        return ts + " " + level + " " + message;
    }
}
