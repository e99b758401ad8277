package dev.tasknode.node.run;

import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.messages.ProgressEvent;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.tasks.TaskParams;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskLog;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The context of one run: numbers its events, sends them out, and carries the cancellation flag. */
public final class RunContext implements TaskContext, TaskLog {
    private static final Logger log = LoggerFactory.getLogger("dev.tasknode.task");
    private static final long PROGRESS_INTERVAL_NANOS = 200_000_000L;

    private final String taskId;
    private final String task;
    private final TaskParams params;
    private final String requestedBy;
    private final Consumer<TaskEvent> sink;
    private final AtomicLong seq = new AtomicLong();
    private final List<Runnable> cancelActions = new CopyOnWriteArrayList<>();
    /** reply queues of the request and of duplicates that arrived while it ran: all get the result */
    final List<String> replyTos = new CopyOnWriteArrayList<>();
    /** reply queues that asked for log and progress events too ({@code x-events-to-reply-to}) */
    final CopyOnWriteArrayList<String> eventReplyTos = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;
    private volatile String stopReason;
    private long lastProgress;
    volatile Thread worker;

    RunContext(String taskId, String task, TaskParams params, String requestedBy, Consumer<TaskEvent> sink) {
        this.taskId = taskId;
        this.task = task;
        this.params = params;
        this.requestedBy = requestedBy;
        this.sink = sink;
    }

    @Override
    public String taskId() {
        return taskId;
    }

    String task() {
        return task;
    }

    @Override
    public TaskParams params() {
        return params;
    }

    @Override
    public String requestedBy() {
        return requestedBy;
    }

    @Override
    public TaskLog log() {
        return this;
    }

    @Override
    public void info(String message) {
        line("INFO", message);
    }

    @Override
    public void warn(String message) {
        line("WARN", message);
    }

    @Override
    public void error(String message) {
        line("ERROR", message);
    }

    private void line(String level, String message) {
        log.debug("[{} {}] {} {}", task, taskId, level, message);
        sink.accept(LogLine.of(taskId, seq.incrementAndGet(), now(), level, message));
    }

    @Override
    public synchronized void progress(long done, long total, String message) {
        long now = System.nanoTime();
        if (done < total && now - lastProgress < PROGRESS_INTERVAL_NANOS) {
            return; // at most five a second; the last one (done == total) always goes out
        }
        lastProgress = now;
        sink.accept(ProgressEvent.of(taskId, seq.incrementAndGet(), now(), done, total, message));
    }

    /** The seq the result takes: one past the last event. */
    long nextSeq() {
        return seq.incrementAndGet();
    }

    /** Microseconds: what the store keeps, so a live event and the same event read back later are equal. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    /** Asks the task to stop; {@code reason} is "cancelled" or "interrupted" (node shutting down). */
    void stop(String reason) {
        if (cancelled) {
            return;
        }
        stopReason = reason;
        cancelled = true;
        for (Runnable r : cancelActions) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("cancel action of {} failed: {}", taskId, e.toString());
            }
        }
        Thread w = worker;
        if (w != null) {
            w.interrupt(); // wakes sleeps and blocking waits; JDBC calls are stopped by the task's own cancel actions
        }
    }

    String stopReason() {
        return stopReason;
    }

    @Override
    public AutoCloseable onCancel(Runnable action) {
        cancelActions.add(action);
        if (cancelled) {
            action.run();
        }
        return () -> cancelActions.remove(action);
    }
}
