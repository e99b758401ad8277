package dev.tasknode.client;

import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.messages.ProgressEvent;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started task: its log lines, progress and result as they arrive.
 *
 * <p>Events reach listeners in {@code seq} order, each exactly once, whatever route they took (the events
 * binding, {@code reply_to}, a {@code logs} or {@code result} query after a gap or a reconnect). A listener
 * registered late first gets the events already received. Listeners run on a client thread, one event at a
 * time per handle; keep them short. The result is delivered last, after the events before it.
 */
public final class TaskHandle {
    private static final Logger log = LoggerFactory.getLogger(TaskHandle.class);
    /** Events from different channels of the node may overtake each other: wait this long before querying a gap. */
    static final long GAP_WAIT_MS = 300;
    /** After this many {@code logs} queries that do not close a gap, skip it rather than hold the result forever. */
    static final int GAP_ATTEMPTS = 3;

    /** What a handle needs from its RpcManager (an interface so the ordering logic is testable without a broker). */
    interface Backend {
        List<TaskEvent> logs(String node, String taskId, long fromSeq);

        Optional<TaskResult> result(String node, String taskId);

        TaskSummary cancel(String node, String taskId);

        /** The handle completed (result or timeout): drop its binding. */
        void finished(TaskHandle handle);

        Executor executor();

        ScheduledExecutorService scheduler();
    }

    private final Backend backend;
    private final String node;
    private final String taskId;
    private final String task;
    private final long deadlineNanos;
    private final CompletableFuture<TaskResult> result = new CompletableFuture<>();
    private volatile TaskReply reply;
    private volatile Future<?> timer;
    private volatile Future<?> watch;
    private volatile long lastHeardNanos = System.nanoTime();

    // ordering (guarded by this)
    private long nextSeq = 1;
    private final TreeMap<Long, TaskEvent> early = new TreeMap<>();
    private TaskResult heldResult;
    private boolean resultQueued;
    private boolean gapCheckScheduled;
    private int gapAttempts;
    private long gapAt = -1;

    // delivery: one event at a time, in order, on the executor
    private final ReentrantLock delivery = new ReentrantLock();
    private final List<TaskEvent> history = new ArrayList<>();
    private final List<Consumer<TaskEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Object tailLock = new Object();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    TaskHandle(Backend backend, String node, String taskId, String task, long deadlineNanos) {
        this.backend = backend;
        this.node = node;
        this.taskId = taskId;
        this.task = task;
        this.deadlineNanos = deadlineNanos;
    }

    public String taskId() {
        return taskId;
    }

    public String node() {
        return node;
    }

    public String task() {
        return task;
    }

    /** The node's {@code accepted} answer (with {@code duplicate} and the current status for a known task id). */
    public TaskReply reply() {
        return reply;
    }

    void accepted(TaskReply r) {
        this.reply = r;
    }

    /** The call's timeout; cancelled when the result comes first (so a finished handle is not kept until then). */
    void timer(Future<?> t) {
        this.timer = t;
        if (result.isDone()) {
            t.cancel(false);
        }
    }

    /**
     * While nothing arrives for {@code quietMs}, asks for the result now and then: covers a result whose
     * messages were lost without the connection dropping (e.g. the node replaced mid-task; the successor
     * records "interrupted" but may not publish it to us).
     */
    void watch(long quietMs) {
        watch = backend.scheduler().scheduleWithFixedDelay(() -> {
            if (!result.isDone() && System.nanoTime() - lastHeardNanos >= TimeUnit.MILLISECONDS.toNanos(quietMs)) {
                lastHeardNanos = System.nanoTime();
                backend.executor().execute(() -> {
                    try {
                        backend.result(node, taskId).ifPresent(this::offer);
                    } catch (RuntimeException e) {
                        log.debug("result of quiet task {}: {}", taskId, e.toString());
                    }
                });
            }
        }, quietMs, quietMs, TimeUnit.MILLISECONDS);
        if (result.isDone()) {
            watch.cancel(false);
        }
    }

    private void ended() {
        for (Future<?> f : new Future<?>[] {timer, watch}) {
            if (f != null) {
                f.cancel(false);
            }
        }
        backend.finished(this);
    }

    public TaskHandle onLog(Consumer<LogLine> listener) {
        return onEvent(e -> {
            if (e instanceof LogLine l) {
                listener.accept(l);
            }
        });
    }

    public TaskHandle onProgress(Consumer<ProgressEvent> listener) {
        return onEvent(e -> {
            if (e instanceof ProgressEvent p) {
                listener.accept(p);
            }
        });
    }

    /** Every event, the result included. Events received before registration are replayed first, in order. */
    public TaskHandle onEvent(Consumer<TaskEvent> listener) {
        delivery.lock();
        try {
            for (TaskEvent e : history) {
                call(listener, e);
            }
            listeners.add(listener);
        } finally {
            delivery.unlock();
        }
        return this;
    }

    /**
     * Completes with the result, whatever its status ({@code failed}, {@code partial}, … are results, not
     * exceptions); exceptionally with {@link TaskTimeoutException} when the call's timeout passed first, or
     * {@link TaskRpcException} when the RpcManager was closed.
     */
    public CompletableFuture<TaskResult> result() {
        return result;
    }

    public boolean isDone() {
        return result.isDone();
    }

    /** Waits for the result until the call's timeout (counted from the start) has passed. */
    public TaskResult join() {
        return join(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }

    /** Waits at most {@code wait} for the result; the task and this handle go on after a timeout here. */
    public TaskResult join(Duration wait) {
        return Await.get(result, TimeUnit.MILLISECONDS.toNanos(Math.max(0, wait.toMillis()) + 50),
                () -> "no result for task " + taskId + " within " + wait.toMillis() + " ms", taskId);
    }

    /** Asks the node to cancel the task; its result (status {@code cancelled}) follows on this handle. */
    public TaskSummary cancel() {
        return backend.cancel(node, taskId);
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    /** Takes an event from any route. Duplicates are dropped; events after a gap wait for the missing ones. */
    void offer(TaskEvent e) {
        lastHeardNanos = System.nanoTime();
        List<TaskEvent> ready;
        synchronized (this) {
            if (resultQueued) {
                return;
            }
            if (e instanceof TaskResult r) {
                if (heldResult != null) {
                    return; // the result comes twice (binding and reply_to): the first one counts
                }
                heldResult = r;
            } else {
                if (e.seq() < nextSeq || early.containsKey(e.seq())) {
                    return;
                }
                early.put(e.seq(), e);
            }
            ready = drain();
        }
        deliver(ready);
    }

    /** Moves what is now in order out of the buffers; schedules a gap check when something is missing. */
    private List<TaskEvent> drain() {
        List<TaskEvent> ready = new ArrayList<>();
        while (!early.isEmpty() && early.firstKey() == nextSeq) {
            ready.add(early.pollFirstEntry().getValue());
            nextSeq++;
        }
        if (heldResult != null && heldResult.seq() <= nextSeq) {
            early.headMap(heldResult.seq()).clear();
            ready.add(heldResult);
            resultQueued = true;
        } else if ((!early.isEmpty() || heldResult != null) && !gapCheckScheduled) {
            gapCheckScheduled = true;
            backend.scheduler().schedule(() -> backend.executor().execute(this::fillGap), GAP_WAIT_MS,
                    TimeUnit.MILLISECONDS);
        }
        return ready;
    }

    /** Fetches the missing events with the {@code logs} control call; gives the gap up after a few tries. */
    private void fillGap() {
        long from;
        synchronized (this) {
            gapCheckScheduled = false;
            if (resultQueued || (early.isEmpty() && heldResult == null)) {
                return;
            }
            from = nextSeq;
        }
        List<TaskEvent> fetched = List.of();
        try {
            fetched = backend.logs(node, taskId, from);
        } catch (RuntimeException e) {
            log.debug("logs of {} from {}: {}", taskId, from, e.toString());
        }
        for (TaskEvent e : fetched) {
            offer(e);
        }
        List<TaskEvent> ready = List.of();
        synchronized (this) {
            if (resultQueued || (early.isEmpty() && heldResult == null) || gapCheckScheduled) {
                return;
            }
            if (nextSeq != gapAt) {
                gapAt = nextSeq;
                gapAttempts = 0;
            }
            if (++gapAttempts >= GAP_ATTEMPTS) {
                // the node does not have them (or does not answer): go on without rather than stall
                long skipTo = early.isEmpty() ? heldResult.seq() : early.firstKey();
                log.warn("task {}: events {}..{} are missing, skipping them", taskId, nextSeq, skipTo - 1);
                nextSeq = skipTo;
                gapAttempts = 0;
                ready = drain();
            } else {
                gapCheckScheduled = true;
                backend.scheduler().schedule(() -> backend.executor().execute(this::fillGap), GAP_WAIT_MS,
                        TimeUnit.MILLISECONDS);
            }
        }
        deliver(ready);
    }

    /** After a reconnect: the result may have been published while we were away. Polls until done or timed out. */
    void recover() {
        backend.executor().execute(() -> {
            long pause = 250;
            while (!result.isDone() && System.nanoTime() < deadlineNanos) {
                try {
                    backend.result(node, taskId).ifPresent(this::offer);
                } catch (RuntimeException e) {
                    log.debug("result of {} after reconnect: {}", taskId, e.toString());
                }
                if (result.isDone()) {
                    return;
                }
                try {
                    result.get(pause, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // not done yet (or timed out: the loop ends)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                pause = Math.min(pause * 2, 5000);
            }
        });
    }

    /** Queues in-order events for the listeners; the result, last, completes the future. */
    private void deliver(List<TaskEvent> ready) {
        if (ready.isEmpty()) {
            return;
        }
        synchronized (tailLock) {
            tail = tail.exceptionally(ex -> null).thenRunAsync(() -> {
                for (TaskEvent e : ready) {
                    delivery.lock();
                    try {
                        history.add(e);
                        for (Consumer<TaskEvent> l : listeners) {
                            call(l, e);
                        }
                    } finally {
                        delivery.unlock();
                    }
                    if (e instanceof TaskResult r && !result.isDone()) {
                        ended(); // deregister before waking join(): the caller may reuse the id at once
                        result.complete(r);
                    }
                }
            }, backend.executor());
        }
    }

    /** The call's timeout passed, or the manager closed: the task may go on, this handle gives up. */
    void fail(TaskRpcException e) {
        if (!result.isDone()) {
            ended(); // as above: deregistered before anyone waiting wakes up
            result.completeExceptionally(e);
        }
    }

    private void call(Consumer<TaskEvent> listener, TaskEvent e) {
        try {
            listener.accept(e);
        } catch (RuntimeException ex) {
            log.warn("listener of task {} failed on seq {}: {}", taskId, e.seq(), ex.toString());
        }
    }

    @Override
    public String toString() {
        return "TaskHandle[" + node + " " + task + " " + taskId + "]";
    }
}
