package dev.tasknode.node.broker;

import com.rabbitmq.client.Channel;
import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.RequestException;
import dev.tasknode.contracts.Requests;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.tasks.TaskParams;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskRequest;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.Text;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.run.NodeMetrics;
import dev.tasknode.node.run.RunContext;
import dev.tasknode.node.run.TaskRegistry;
import dev.tasknode.node.run.TaskRunner;
import dev.tasknode.node.store.TaskRow;
import dev.tasknode.node.store.TaskStore;
import dev.tasknode.node.task.Task;
import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.stereotype.Component;

/**
 * The receiving side for {@code task.start}: validates, records, answers accepted/rejected, acknowledges.
 * Manual acknowledgement with prefetch 1: the request is acked once the run is durably recorded (not held for
 * the run, RabbitMQ's delivery timeout is 30 minutes), and the next request is only taken when a worker is
 * free — excess requests wait in the broker.
 *
 * <p>Every request gets exactly one outcome: an answer on its reply_to, or — without a reply_to, or after
 * {@link #MAX_ATTEMPTS} failed attempts while the database answers — a record on {@code <node>.dead}
 * ({@link DeadLetters}). A request is never put back on the queue for a failure of its own; only while the
 * database is unreachable does it wait (and then go back, counted by the broker's delivery limit).
 */
@Component
public class RequestListener implements ChannelAwareMessageListener {
    private static final Logger log = LoggerFactory.getLogger(RequestListener.class);
    /** How long a delivery is held waiting for a worker before it goes back to the queue (another replica may be free). */
    private static final Duration PERMIT_WAIT = Duration.ofSeconds(15);
    /**
     * Returns for lack of a worker count towards the broker's delivery limit: from this many deliveries on, a
     * request waits here for a worker instead of going back.
     */
    static final int MAX_WAIT_RETURNS = BrokerTopology.DELIVERY_LIMIT / 2;
    /** Attempts at a request while the database answers before it is dead-lettered. */
    static final int MAX_ATTEMPTS = 3;
    /** How long a request waits for an unreachable database before it goes back to the queue. */
    private static final Duration DATABASE_WAIT = Duration.ofMinutes(5);

    private final TaskRunner runner;
    private final TaskRegistry registry;
    private final TaskStore store;
    private final Publisher publisher;
    private final Authorization auth;
    private final NodeMetrics metrics;
    private final DeadLetters deadLetters;
    private final DataSource dataSource;

    public RequestListener(TaskRunner runner, TaskRegistry registry, TaskStore store, Publisher publisher,
                           Authorization auth, NodeMetrics metrics, DeadLetters deadLetters, DataSource dataSource) {
        this.runner = runner;
        this.registry = registry;
        this.store = store;
        this.publisher = publisher;
        this.auth = auth;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.dataSource = dataSource;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        MessageProperties p = message.getMessageProperties();
        long tag = p.getDeliveryTag();
        if (!DeadLetters.hasReplyTo(p)) {
            deadLetters.record(channel, message, DeadLetters.NO_REPLY_TO,
                    "the request has no reply_to property, so nobody could be told its outcome; nothing ran");
            channel.basicAck(tag, false);
            return;
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                if (handle(message)) {
                    channel.basicAck(tag, false);
                } else {
                    channel.basicNack(tag, false, true); // no worker free: back to the queue
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                channel.basicNack(tag, false, true);
                return;
            } catch (RuntimeException e) {
                last = e;
                if (!awaitDatabase()) {
                    // the database is away, not the request at fault: keep it for later
                    log.error("could not process a task request, the database is unreachable; returning it to the queue: {}",
                            e.toString());
                    channel.basicNack(tag, false, true);
                    return;
                }
                log.warn("attempt {} of {} at a task request failed: {}", attempt, MAX_ATTEMPTS, e.toString());
                sleep(200L * attempt);
            }
        }
        // the innermost message says what was refused (PostgreSQL's own words), without the wrappers' class names
        String cause = String.valueOf(org.springframework.core.NestedExceptionUtils.getMostSpecificCause(last).getMessage())
                .strip();
        deadLetters.record(channel, message, DeadLetters.FAILED, "processing failed " + MAX_ATTEMPTS + " times: " + cause);
        String id = correlation(message);
        publisher.reply(p.getReplyTo(), id, Wire.TYPE_REJECTED, TaskReply.rejected(null, null, TaskError.of(ErrorCode.INTERNAL,
                "the node could not process this request (" + MAX_ATTEMPTS + " attempts); it was put on "
                        + DeadLetters.exchange(nodeOf(p)) + " for an operator: " + Text.clip(cause))));
        channel.basicAck(tag, false);
    }

    /** True when the database answers (at once, or within {@link #DATABASE_WAIT}); false while it stays away. */
    private boolean awaitDatabase() {
        long end = System.nanoTime() + DATABASE_WAIT.toNanos();
        do {
            try (Connection c = dataSource.getConnection()) {
                if (c.isValid(2)) {
                    return true;
                }
            } catch (Exception e) {
                log.debug("database check failed: {}", e.toString());
            }
            sleep(1000);
        } while (System.nanoTime() < end && runner.accepting() && !Thread.currentThread().isInterrupted());
        return false;
    }

    private static String nodeOf(MessageProperties p) {
        return p.getConsumerQueue() == null ? "<node>" : p.getConsumerQueue();
    }

    /** The answer's correlation id: the task id when it is one, else the request's own correlation id. */
    private static String correlation(Message message) {
        String own = message.getMessageProperties().getCorrelationId();
        try {
            return Requests.start(message.getBody(), Map.of(), Instant.now()).taskId();
        } catch (RequestException e) {
            return e.taskId() != null ? e.taskId() : own;
        }
    }

    /** @return true to acknowledge, false to return the message to the queue */
    private boolean handle(Message message) throws InterruptedException {
        MessageProperties p = message.getMessageProperties();
        String replyTo = p.getReplyTo();
        Requests.Start start;
        try {
            start = Requests.start(message.getBody(), p.getHeaders(), Instant.now());
        } catch (RequestException e) {
            String id = e.taskId() != null ? e.taskId() : p.getCorrelationId();
            reply(replyTo, id, TaskReply.rejected(e.taskId(), e.task(), e.toError()));
            return true;
        }
        TaskRequest req = new TaskRequest(Wire.VERSION, start.taskId(), start.task(), start.params());
        boolean eventsToReplyTo = start.eventsToReplyTo();
        Instant deadline = start.deadline();
        Optional<Task> task = registry.find(req.task());
        if (task.isEmpty()) {
            reject(replyTo, req.taskId(), TaskNames.NAME.matcher(req.task()).matches() ? req.task() : null, ErrorCode.UNKNOWN_TASK, "no task " + Text.quote(req.task())
                    + " on this node; known: " + String.join(", ", registry.specs().stream().map(s -> s.name()).toList()));
            return true;
        }
        String user = p.getReceivedUserId();
        String denied = auth.checkStart(user, task.get().spec());
        if (denied != null) {
            reject(replyTo, req.taskId(), req.task(), ErrorCode.UNAUTHORIZED, denied);
            return true;
        }
        TaskParams params;
        try {
            params = task.get().spec().parse(req.params());
        } catch (ParamException e) {
            reply(replyTo, TaskReply.rejected(req.taskId(), req.task(), e.toError()));
            return true;
        }
        // Duplicates are found by the insert itself (one round trip on the common path). Only where a new
        // request would not be taken at once — deadline passed, no worker free — is the id looked up first:
        // a known task gets its state, never "expired", and does not wait for a worker.
        if (deadline != null && Instant.now().isAfter(deadline)) {
            if (!answeredAsKnown(req, replyTo, eventsToReplyTo)) {
                reject(replyTo, req.taskId(), req.task(), ErrorCode.EXPIRED,
                        "the request's deadline " + deadline + " passed before it could start");
            }
            return true;
        }
        if (!runner.tryAcquire()) {
            if (answeredAsKnown(req, replyTo, eventsToReplyTo)) {
                return true;
            }
            if (!awaitWorker(p)) {
                return false;
            }
            if (deadline != null && Instant.now().isAfter(deadline)) {
                runner.release();
                reject(replyTo, req.taskId(), req.task(), ErrorCode.EXPIRED,
                        "the request's deadline " + deadline + " passed while it waited for a free worker");
                return true;
            }
        }
        Optional<RunContext> ctx = runner.record(req.taskId(), task.get(), params, requestedBy(user, start.onBehalfOf()),
                deadline, replyTo, eventsToReplyTo);
        if (ctx.isEmpty()) {
            // not answered: a run of this process whose start failed was forgotten just now, and the broker's
            // next delivery of this request records it anew
            return answeredAsKnown(req, replyTo, eventsToReplyTo);
        }
        // answered before the record's fsync (start() below waits for it, then we ack): a crash in between
        // leaves the request unacknowledged, and the broker delivers it again
        publisher.reply(replyTo, req.taskId(), Wire.TYPE_ACCEPTED,
                TaskReply.accepted(req.taskId(), req.task(), TaskStatus.ACCEPTED, false));
        runner.start(ctx.get(), task.get());
        return true;
    }

    /**
     * Waits for a worker permit. After {@link #PERMIT_WAIT} the request goes back to the queue (another replica
     * may be free) — unless it went back so often that the broker's delivery limit comes near: then it waits here.
     */
    private boolean awaitWorker(MessageProperties p) throws InterruptedException {
        if (runner.acquire(PERMIT_WAIT)) {
            return true;
        }
        if (!(p.getHeaders().get("x-delivery-count") instanceof Number n) || n.longValue() < MAX_WAIT_RETURNS) {
            return false;
        }
        while (runner.accepting()) {
            if (runner.acquire(PERMIT_WAIT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Answers a request whose task id is known (never a second run). False when it is not known — or was a run
     * of this process whose start failed, which is forgotten so that this delivery records it anew.
     */
    private boolean answeredAsKnown(TaskRequest req, String replyTo, boolean eventsToReplyTo) {
        Optional<TaskRow> known = store.find(req.taskId());
        if (known.isPresent() && runner.orphaned(known.get()) && store.forget(req.taskId())) {
            log.info("taking over {} {}: recorded before, but its start failed", req.task(), req.taskId());
            return false;
        }
        if (known.isPresent()) {
            duplicate(known.get(), req, replyTo, eventsToReplyTo);
            return true;
        }
        if (runner.addReplyTo(req.taskId(), replyTo, eventsToReplyTo)) { // being recorded here right now
            publisher.reply(replyTo, req.taskId(), Wire.TYPE_ACCEPTED, TaskReply.accepted(req.taskId(), req.task(),
                    TaskStatus.ACCEPTED, true));
            return true;
        }
        return false;
    }

    /** The same task id again: never a second run; the caller gets the current state (and the result if done). */
    private void duplicate(TaskRow row, TaskRequest req, String replyTo, boolean eventsToReplyTo) {
        if (!row.task().equals(req.task()) || !sameParams(row, req)) {
            reject(replyTo, req.taskId(), req.task(), ErrorCode.CONFLICT, "task id " + req.taskId()
                    + " is already used by " + row.task() + " " + Text.clip(String.valueOf(row.params()))
                    + "; use a new id for a new task");
            return;
        }
        publisher.reply(replyTo, req.taskId(), Wire.TYPE_ACCEPTED, TaskReply.accepted(req.taskId(), req.task(), row.status(), true));
        if (row.status().terminal()) {
            publisher.reply(replyTo, req.taskId(), Wire.TYPE_RESULT, row.toResult());
        } else {
            runner.addReplyTo(req.taskId(), replyTo, eventsToReplyTo);
        }
    }

    private boolean sameParams(TaskRow row, TaskRequest req) {
        try {
            Map<String, Object> again = registry.find(req.task()).orElseThrow().spec().parse(req.params()).toWire();
            // compare as JSON text read back: 1500 as int and as long are the same parameter
            return Json.MAPPER.readTree(Json.write(again)).equals(Json.MAPPER.readTree(Json.write(row.params())));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String requestedBy(String user, String onBehalfOf) {
        // only a trusted service (the Admin page's broker user) may say for whom it acts
        return onBehalfOf != null && auth.trusted(user) ? onBehalfOf + " (via " + user + ")" : user;
    }

    private void reject(String replyTo, String taskId, String task, String code, String message) {
        reply(replyTo, TaskReply.rejected(taskId, task, TaskError.of(code, message)));
    }

    private void reply(String replyTo, TaskReply reply) {
        reply(replyTo, reply.taskId(), reply);
    }

    private void reply(String replyTo, String correlationId, TaskReply reply) {
        if (!reply.isAccepted()) {
            metrics.rejected(reply.error().code());
            log.info("rejected {} {}: {}", reply.task(), reply.taskId(), reply.error().message());
        }
        publisher.reply(replyTo, correlationId, reply.isAccepted() ? Wire.TYPE_ACCEPTED : Wire.TYPE_REJECTED, reply);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
