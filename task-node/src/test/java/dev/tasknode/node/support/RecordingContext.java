package dev.tasknode.node.support;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskParams;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskLog;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A task context for tests that call a task or service directly (without the broker): parameters parsed by
 * the catalog (the one parser), log lines and the last progress recorded, cancellation under the test's control.
 */
public class RecordingContext implements TaskContext {
    public final List<String> lines = new CopyOnWriteArrayList<>();
    public volatile long lastDone;
    /** Set to ask the task to stop (as the node does on cancel); {@link #cancel()} also runs the cancel actions. */
    public volatile boolean cancel;
    private final List<Runnable> cancelActions = new CopyOnWriteArrayList<>();
    private final TaskParams params;
    private final String id = "test-" + UUID.randomUUID();

    public RecordingContext(String task, Map<String, ?> raw) {
        this.params = TaskCatalog.parse(task, raw);
    }

    @Override
    public String taskId() {
        return id;
    }

    @Override
    public TaskParams params() {
        return params;
    }

    @Override
    public String requestedBy() {
        return "test";
    }

    @Override
    public TaskLog log() {
        return new TaskLog() {
            @Override
            public void info(String message) {
                lines.add("INFO " + message);
            }

            @Override
            public void warn(String message) {
                lines.add("WARN " + message);
            }

            @Override
            public void error(String message) {
                lines.add("ERROR " + message);
            }
        };
    }

    @Override
    public void progress(long done, long total, String message) {
        lastDone = done;
    }

    @Override
    public boolean cancelled() {
        return cancel;
    }

    @Override
    public AutoCloseable onCancel(Runnable action) {
        cancelActions.add(action);
        if (cancel) {
            action.run();
        }
        return () -> cancelActions.remove(action);
    }

    public void cancel() {
        cancel = true;
        cancelActions.forEach(Runnable::run);
    }

    public String text() {
        return String.join("\n", lines);
    }
}
