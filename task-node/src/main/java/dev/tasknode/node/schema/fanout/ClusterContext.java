package dev.tasknode.node.schema.fanout;

import dev.tasknode.contracts.tasks.TaskParams;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskLog;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A task's context as one cluster's run sees it: log lines say which cluster they are about, and progress is the sum
 * over the clusters (each run reports its own schemas; the caller sees one count for the whole fleet).
 */
final class ClusterContext implements TaskContext {
    private final TaskContext task;
    private final String cluster;
    private final TaskLog log;
    private final Progress progress;

    /** Progress shared by the clusters of one task. */
    static final class Progress {
        private final Map<String, long[]> byCluster = new ConcurrentHashMap<>();

        synchronized void report(TaskContext task, String cluster, long done, long total, String message) {
            byCluster.put(cluster, new long[] {done, total});
            long d = 0, t = 0;
            for (long[] v : byCluster.values()) {
                d += v[0];
                t += v[1];
            }
            task.progress(d, t, message);
        }
    }

    ClusterContext(TaskContext task, String cluster, Progress progress) {
        this.task = task;
        this.cluster = cluster;
        this.progress = progress;
        String prefix = "cluster " + cluster + ": ";
        TaskLog l = task.log();
        this.log = new TaskLog() {
            @Override
            public void info(String message) {
                l.info(prefix + message);
            }

            @Override
            public void warn(String message) {
                l.warn(prefix + message);
            }

            @Override
            public void error(String message) {
                l.error(prefix + message);
            }
        };
    }

    @Override
    public String taskId() {
        return task.taskId();
    }

    @Override
    public TaskParams params() {
        return task.params();
    }

    @Override
    public String requestedBy() {
        return task.requestedBy();
    }

    @Override
    public TaskLog log() {
        return log;
    }

    @Override
    public void progress(long done, long total, String message) {
        progress.report(task, cluster, done, total, message);
    }

    @Override
    public boolean cancelled() {
        return task.cancelled();
    }

    @Override
    public AutoCloseable onCancel(Runnable action) {
        return task.onCancel(action);
    }
}
