package dev.tasknode.node.run;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.tasks.TaskParams;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.broker.Publisher;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.store.TaskRow;
import dev.tasknode.node.store.TaskStore;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskLauncher;
import dev.tasknode.node.task.TaskOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Runs tasks on a bounded pool. A request is taken from the broker only once a worker permit is held, so
 * excess requests wait in the broker, not here. Each run: record → run → flush events → record result →
 * publish result (event + every reply queue that asked).
 */
@Component
public class TaskRunner implements TaskLauncher {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final TaskStore store;
    private final EventBuffer events;
    private final Publisher publisher;
    private final NodeMetrics metrics;
    private final TaskRegistry registry;
    private final NodeProperties props;
    private final Semaphore permits;
    private final ExecutorService pool;
    private final Map<String, RunContext> running = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;

    public TaskRunner(TaskStore store, EventBuffer events, Publisher publisher, NodeMetrics metrics,
                      TaskRegistry registry, NodeProperties props) {
        this.store = store;
        this.events = events;
        this.publisher = publisher;
        this.metrics = metrics;
        this.registry = registry;
        this.props = props;
        this.permits = new Semaphore(props.getWorkers(), true);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(props.getWorkers(), r -> new Thread(r, "tasknode-worker-" + n.incrementAndGet()));
    }

    /** Waits up to {@code wait} for a free worker. */
    public boolean acquire(Duration wait) throws InterruptedException {
        return accepting && permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes a worker permit if one is free right now. */
    public boolean tryAcquire() {
        return accepting && permits.tryAcquire();
    }

    public void release() {
        permits.release();
    }

    public boolean accepting() {
        return accepting;
    }

    /**
     * Records a new run (the caller holds a permit). Empty when the id is already known — then the permit is
     * released here and the caller answers as for a duplicate. {@code eventsToReplyTo}: the caller asked for
     * log and progress events on its reply queue as well (no per-task binding needed).
     */
    public Optional<RunContext> record(String taskId, Task task, TaskParams params, String requestedBy,
                                       Instant deadline, String replyTo, boolean eventsToReplyTo) {
        RunContext ctx = new RunContext(taskId, task.spec().name(), params, requestedBy, this::emit);
        if (replyTo != null) {
            ctx.replyTos.add(replyTo);
            if (eventsToReplyTo) {
                ctx.eventReplyTos.add(replyTo);
            }
        }
        // known here before the row exists: a redelivery on this replica must not take the row for an orphan
        if (running.putIfAbsent(taskId, ctx) != null) {
            release();
            return Optional.empty();
        }
        boolean inserted = false;
        try {
            inserted = store.insert(taskId, props.getNodeName(), task.spec().name(), params.toWire(), requestedBy,
                    props.getInstanceId(), deadline);
        } finally {
            if (!inserted) {
                running.remove(taskId, ctx);
                release();
            }
        }
        return inserted ? Optional.of(ctx) : Optional.empty();
    }

    /**
     * Marks a recorded run started — a synchronous commit, which makes the record durable as well — and hands
     * it to a worker. The request is acknowledged only after this returns; when it throws, the run is undone
     * here (best effort) and the request goes back to the broker.
     */
    public void start(RunContext ctx, Task task) {
        Instant started = RunContext.now();
        try {
            if (store.markRunning(ctx.taskId(), started)) {
                ctx.stop("cancelled"); // cancelled between accepted and started
            }
        } catch (RuntimeException e) {
            running.remove(ctx.taskId(), ctx);
            release();
            try {
                store.forget(ctx.taskId());
            } catch (RuntimeException again) {
                log.debug("cannot forget {} now; a redelivery will: {}", ctx.taskId(), again.toString());
            }
            throw e;
        }
        pool.execute(() -> execute(ctx, task, started));
    }

    /**
     * A run of this process that was recorded but is not running here: its start failed after the record was
     * committed. The request's redelivery may take it over (after {@link TaskStore#forget}).
     */
    public boolean orphaned(TaskRow row) {
        return row.status() == TaskStatus.ACCEPTED && props.getInstanceId().equals(row.instanceId())
                && !running.containsKey(row.taskId());
    }

    @Override
    public boolean launch(String taskId, String taskName, Map<String, ?> rawParams, String requestedBy) {
        Task task = registry.find(taskName).orElseThrow(() -> new IllegalArgumentException("no task " + taskName));
        TaskParams params = task.spec().parse(rawParams);
        if (store.find(taskId).isPresent()) {
            return false;
        }
        try {
            if (!acquire(Duration.ofMinutes(10))) {
                throw new IllegalStateException("no free worker for " + taskName + " within 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        Optional<RunContext> ctx = record(taskId, task, params, requestedBy, null, null, false);
        ctx.ifPresent(c -> start(c, task));
        return ctx.isPresent();
    }

    /** A duplicate request for a run of this replica also wants the result (and its events, when it asked). */
    public boolean addReplyTo(String taskId, String replyTo, boolean eventsToReplyTo) {
        RunContext ctx = running.get(taskId);
        if (ctx == null || replyTo == null) {
            return false;
        }
        ctx.replyTos.add(replyTo);
        if (eventsToReplyTo) {
            ctx.eventReplyTos.addIfAbsent(replyTo);
        }
        return true;
    }

    /** Stops a run of this replica, if it runs here. */
    public boolean cancelLocal(String taskId) {
        RunContext ctx = running.get(taskId);
        if (ctx == null) {
            return false;
        }
        ctx.stop("cancelled");
        return true;
    }

    public List<String> runningIds() {
        return List.copyOf(running.keySet());
    }

    private void emit(TaskEvent e) {
        publisher.event(e);
        RunContext ctx = running.get(e.taskId());
        if (ctx != null) {
            for (String replyTo : ctx.eventReplyTos) {
                publisher.eventTo(replyTo, e);
            }
        }
        events.add(e);
    }

    private void execute(RunContext ctx, Task task, Instant started) {
        ctx.worker = Thread.currentThread();
        metrics.started();
        TaskOutcome outcome;
        try {
            ctx.checkCancelled();
            outcome = task.run(ctx);
            if (outcome == null) {
                outcome = TaskOutcome.ok("done", null);
            }
        } catch (Throwable t) {
            outcome = failure(ctx, t);
        } finally {
            Thread.interrupted(); // clear a cancel interrupt before the bookkeeping below uses JDBC
            ctx.worker = null;
        }
        try {
            finish(ctx, outcome, started);
        } finally {
            running.remove(ctx.taskId());
            metrics.finished(ctx.task(), outcome.status(), Duration.between(started, Instant.now()));
            permits.release();
        }
    }

    private TaskOutcome failure(RunContext ctx, Throwable t) {
        if (ctx.cancelled()) {
            boolean interrupted = "interrupted".equals(ctx.stopReason());
            String code = interrupted ? ErrorCode.INTERRUPTED : ErrorCode.CANCELLED;
            String msg = interrupted ? "the node shut down before the task finished" : "cancelled on request";
            ctx.log().warn(msg);
            return new TaskOutcome(interrupted ? TaskStatus.INTERRUPTED : TaskStatus.CANCELLED, msg, null,
                    TaskError.of(code, msg));
        }
        if (t instanceof CancellationException) {
            return new TaskOutcome(TaskStatus.CANCELLED, "cancelled", null, TaskError.of(ErrorCode.CANCELLED, "cancelled"));
        }
        TaskError error = switch (t) {
            case TaskFailedException f -> f.error();
            case ParamException p -> p.toError();
            default -> TaskError.of(ErrorCode.TASK_FAILED, t.getMessage() == null ? t.toString() : t.getMessage());
        };
        if (!(t instanceof TaskFailedException) && !(t instanceof ParamException)) {
            log.warn("task {} {} failed", ctx.task(), ctx.taskId(), t);
        }
        ctx.log().error("failed: " + error.message());
        return TaskOutcome.failed(error, null);
    }

    private void finish(RunContext ctx, TaskOutcome outcome, Instant started) {
        Instant finished = RunContext.now();
        JsonNode result = outcome.result() == null ? null : Json.MAPPER.valueToTree(outcome.result());
        long seq = ctx.nextSeq();
        TaskResult tr = TaskResult.of(ctx.taskId(), seq, ctx.task(), outcome.status(), outcome.summary(), result,
                outcome.error(), started, finished);
        try {
            // the run's last events and its result in one synchronous commit
            if (!store.finish(ctx.taskId(), outcome.status(), outcome.summary(), result, outcome.error(), seq, finished,
                    events.drain(ctx.taskId()))) {
                // a peer already recorded an end (it believed this node dead): report what is recorded
                tr = store.find(ctx.taskId()).map(TaskRow::toResult).orElse(tr);
            }
        } catch (RuntimeException e) {
            log.error("could not record the result of {} {}: {}", ctx.task(), ctx.taskId(), e.toString());
        }
        publisher.event(tr);
        for (String replyTo : ctx.replyTos) {
            publisher.reply(replyTo, ctx.taskId(), Wire.TYPE_RESULT, tr);
        }
    }

    /**
     * Graceful stop: take no new work, let runs finish within the grace period, then ask the rest to stop
     * (they end as interrupted) and give them a few seconds to record that.
     */
    public void shutdown(Duration grace) {
        accepting = false;
        long deadline = System.nanoTime() + grace.toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            sleep(100);
        }
        if (!running.isEmpty()) {
            log.warn("stopping {} task(s) still running after the grace period: {}", running.size(), running.keySet());
            running.values().forEach(c -> c.stop("interrupted"));
            long hard = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!running.isEmpty() && System.nanoTime() < hard) {
                sleep(100);
            }
        }
        pool.shutdownNow();
        events.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
