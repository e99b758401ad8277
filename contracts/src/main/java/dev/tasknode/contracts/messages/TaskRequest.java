package dev.tasknode.contracts.messages;

import dev.tasknode.contracts.Wire;
import java.util.Map;

/**
 * Body of a {@code task.start} message. The caller's broker user, timeout and reply queue travel as AMQP
 * properties and headers (docs/protocol.md), not in the body.
 *
 * @param taskId chosen by the caller (a UUID); the same id sent twice runs once
 * @param params the prototype's {@code {"param": "..."}} or typed parameters, see {@link TaskCatalog}
 */
public record TaskRequest(int v, String taskId, String task, Map<String, Object> params) {
    public TaskRequest {
        params = params == null ? Map.of() : params;
    }

    public static TaskRequest of(String taskId, String task, Map<String, ?> params) {
        return new TaskRequest(Wire.VERSION, taskId, task, params == null ? Map.of() : Map.copyOf(params));
    }
}
