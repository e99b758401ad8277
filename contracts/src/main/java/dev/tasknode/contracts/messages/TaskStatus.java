package dev.tasknode.contracts.messages;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Life cycle of a task run. Terminal states never change again. {@code partial} means some of the work
 * (some schemas) failed: it is never reported as success.
 */
public enum TaskStatus {
    ACCEPTED, RUNNING, SUCCEEDED, PARTIAL, FAILED, CANCELLED, INTERRUPTED, EXPIRED, REJECTED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TaskStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    public boolean terminal() {
        return this != ACCEPTED && this != RUNNING;
    }

    public boolean success() {
        return this == SUCCEEDED;
    }
}
