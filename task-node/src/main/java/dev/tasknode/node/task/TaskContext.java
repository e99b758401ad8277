package dev.tasknode.node.task;

import dev.tasknode.contracts.tasks.TaskParams;
import java.util.concurrent.CancellationException;

/** What a running task gets from the node: its parameters, a log that streams to the caller, progress, cancellation. */
public interface TaskContext {
    String taskId();

    TaskParams params();

    /** The broker user that started the task (AMQP user_id). */
    String requestedBy();

    TaskLog log();

    /** Reports {@code done} of {@code total} units (total 0 = unknown); published at most a few times a second. */
    void progress(long done, long total, String message);

    boolean cancelled();

    /** Throws {@link CancellationException} when the task was asked to stop. */
    default void checkCancelled() {
        if (cancelled()) {
            throw new CancellationException("task " + taskId() + " was cancelled");
        }
    }

    /**
     * Runs {@code action} when the task is cancelled (at once if it already is), e.g. to kill a subprocess.
     * Close the returned handle when the action is no longer needed.
     */
    AutoCloseable onCancel(Runnable action);
}
