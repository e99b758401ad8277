package dev.tasknode.contracts.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** An error: a stable {@link ErrorCode}, a message for people, optional machine-readable details. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TaskError(String code, String message, Map<String, Object> details) {
    public TaskError {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static TaskError of(String code, String message) {
        return new TaskError(code, message, Map.of());
    }
}
