package dev.tasknode.node.backup;

import dev.tasknode.contracts.TaskCatalog;
import dev.tasknode.contracts.TaskParams;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskLog;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** A task context for tests: parses params with the catalog (the one parser), records log lines. */
final class RecordingContext implements TaskContext {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<Runnable> cancelActions = new CopyOnWriteArrayList<>();
    private final TaskParams params;
    private final String id = UUID.randomUUID().toString();
    volatile boolean cancelled;

    RecordingContext(String task, Map<String, ?> raw) {
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
    public void progress(long done, long total, String message) {}

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public AutoCloseable onCancel(Runnable action) {
        cancelActions.add(action);
        if (cancelled) {
            action.run();
        }
        return () -> cancelActions.remove(action);
    }

    void cancel() {
        cancelled = true;
        cancelActions.forEach(Runnable::run);
    }

    String text() {
        return String.join("\n", lines);
    }
}
