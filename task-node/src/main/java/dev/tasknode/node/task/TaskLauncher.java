package dev.tasknode.node.task;

import java.util.Map;

/**
 * Starts a task from inside the node (scheduled backups) as an ordinary recorded run: same records, logs,
 * events, metrics as one started through the broker. Implemented by the node core.
 */
public interface TaskLauncher {
    /**
     * @param taskId caller-chosen id; an id already known is not run again (use a deterministic id per schedule
     *               slot so that only one replica runs it)
     * @return true when this call started the run, false when the id was already known
     */
    boolean launch(String taskId, String task, Map<String, ?> params, String requestedBy);
}
