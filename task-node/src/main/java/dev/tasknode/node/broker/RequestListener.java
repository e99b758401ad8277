package dev.tasknode.node.broker;

import com.rabbitmq.client.Channel;
import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.ParamException;
import dev.tasknode.contracts.TaskError;
import dev.tasknode.contracts.TaskParams;
import dev.tasknode.contracts.TaskReply;
import dev.tasknode.contracts.TaskRequest;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.run.NodeMetrics;
import dev.tasknode.node.run.RunContext;
import dev.tasknode.node.run.TaskRegistry;
import dev.tasknode.node.run.TaskRunner;
import dev.tasknode.node.store.TaskRow;
import dev.tasknode.node.store.TaskStore;
import dev.tasknode.node.task.Task;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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
 */
@Component
public class RequestListener implements ChannelAwareMessageListener {
    private static final Logger log = LoggerFactory.getLogger(RequestListener.class);
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    /** How long a delivery is held waiting for a worker before it goes back to the queue (another replica may be free). */
    private static final Duration PERMIT_WAIT = Duration.ofSeconds(15);

    private final TaskRunner runner;
    private final TaskRegistry registry;
    private final TaskStore store;
    private final Publisher publisher;
    private final Authorization auth;
    private final NodeMetrics metrics;

    public RequestListener(TaskRunner runner, TaskRegistry registry, TaskStore store, Publisher publisher,
                           Authorization auth, NodeMetrics metrics) {
        this.runner = runner;
        this.registry = registry;
        this.store = store;
        this.publisher = publisher;
        this.auth = auth;
        this.metrics = metrics;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        try {
            if (handle(message)) {
                channel.basicAck(tag, false);
            } else {
                channel.basicNack(tag, false, true); // no worker free: back to the queue
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.basicNack(tag, false, true);
        } catch (RuntimeException e) {
            // database unreachable and the like: keep the request; it is retried after a pause
            log.error("could not process a task request, returning it to the queue: {}", e.toString());
            sleep(1000);
            channel.basicNack(tag, false, true);
        }
    }

    /** @return true to acknowledge, false to return the message to the queue */
    private boolean handle(Message message) throws InterruptedException {
        MessageProperties p = message.getMessageProperties();
        String replyTo = p.getReplyTo();
        TaskRequest req;
        try {
            req = Json.read(message.getBody(), TaskRequest.class);
        } catch (RuntimeException e) {
            reject(replyTo, p.getCorrelationId(), null, ErrorCode.BAD_REQUEST,
                    "the body is not a task request (JSON with v, task_id, task, params): " + e.getMessage());
            return true;
        }
        if (req.v() > Wire.VERSION) {
            reject(replyTo, req.taskId(), req.task(), ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + req.v() + " is newer than this node's " + Wire.VERSION);
            return true;
        }
        if (req.taskId() == null || !TASK_ID.matcher(req.taskId()).matches()) {
            reject(replyTo, req.taskId(), req.task(), ErrorCode.BAD_REQUEST,
                    "task_id must be 1-128 characters of letters, digits, '.', '_', ':', '-' (use a UUID)");
            return true;
        }
        boolean eventsToReplyTo = flag(p.getHeaders().get(Wire.HEADER_EVENTS_TO_REPLY_TO));
        Instant deadline = deadline(p);
        Optional<Task> task = registry.find(req.task());
        if (task.isEmpty()) {
            reject(replyTo, req.taskId(), req.task(), ErrorCode.UNKNOWN_TASK, "no task '" + req.task()
                    + "' on this node; known: " + String.join(", ", registry.specs().stream().map(s -> s.name()).toList()));
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
            if (!runner.acquire(PERMIT_WAIT)) {
                return false;
            }
            if (deadline != null && Instant.now().isAfter(deadline)) {
                runner.release();
                reject(replyTo, req.taskId(), req.task(), ErrorCode.EXPIRED,
                        "the request's deadline " + deadline + " passed while it waited for a free worker");
                return true;
            }
        }
        Optional<RunContext> ctx = runner.record(req.taskId(), task.get(), params, requestedBy(user, p), deadline,
                replyTo, eventsToReplyTo);
        if (ctx.isEmpty()) {
            // not answered: a run of this process whose start failed was forgotten just now, and the broker's
            // next delivery of this request records it anew
            return answeredAsKnown(req, replyTo, eventsToReplyTo);
        }
        // answered before the record's fsync (start() below waits for it, then we ack): a crash in between
        // leaves the request unacknowledged, and the broker delivers it again
        publisher.reply(replyTo, req.taskId(), Wire.TYPE_ACCEPTED,
                TaskReply.accepted(req.taskId(), req.task(), dev.tasknode.contracts.TaskStatus.ACCEPTED, false));
        runner.start(ctx.get(), task.get());
        return true;
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
                    dev.tasknode.contracts.TaskStatus.ACCEPTED, true));
            return true;
        }
        return false;
    }

    private static boolean flag(Object header) {
        return header instanceof Boolean b ? b : header != null && "true".equalsIgnoreCase(header.toString());
    }

    /** The same task id again: never a second run; the caller gets the current state (and the result if done). */
    private void duplicate(TaskRow row, TaskRequest req, String replyTo, boolean eventsToReplyTo) {
        if (!row.task().equals(req.task()) || !sameParams(row, req)) {
            reject(replyTo, req.taskId(), req.task(), ErrorCode.CONFLICT, "task id " + req.taskId()
                    + " is already used by " + row.task() + " " + row.params() + "; use a new id for a new task");
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

    private String requestedBy(String user, MessageProperties p) {
        Object onBehalf = p.getHeaders().get(Wire.HEADER_ON_BEHALF_OF);
        // only a trusted service (the Admin page's broker user) may say for whom it acts
        return onBehalf != null && auth.trusted(user) ? onBehalf + " (via " + user + ")" : user;
    }

    private static Instant deadline(MessageProperties p) {
        Object sent = p.getHeaders().get(Wire.HEADER_SENT_AT);
        Object timeout = p.getHeaders().get(Wire.HEADER_TIMEOUT_MS);
        if (sent instanceof Number s && timeout instanceof Number t) {
            return Instant.ofEpochMilli(s.longValue() + t.longValue());
        }
        return null;
    }

    private void reject(String replyTo, String taskId, String task, String code, String message) {
        reply(replyTo, TaskReply.rejected(taskId, task, TaskError.of(code, message)));
    }

    private void reply(String replyTo, TaskReply reply) {
        if (!reply.isAccepted()) {
            metrics.rejected(reply.error().code());
            log.info("rejected {} {}: {}", reply.task(), reply.taskId(), reply.error().message());
        }
        publisher.reply(replyTo, reply.taskId(), reply.isAccepted() ? Wire.TYPE_ACCEPTED : Wire.TYPE_REJECTED, reply);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
