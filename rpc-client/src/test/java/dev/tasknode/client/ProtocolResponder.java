package dev.tasknode.client;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskRequest;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.messages.TaskSummary;
import dev.tasknode.contracts.Wire;
import dev.tasknode.testing.TestEndpoints;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * NOT the task node: a small stand-in that answers per docs/protocol.md on the real broker, so the client's
 * own mechanics (binding before publish, ordering, dedupe, gaps, timeouts, reconnect) can be tested before
 * the node exists. End-to-end tests against the real node live in task-node.
 *
 * <p>Behaviour by task name: {@code ping} (a log line before the accepted answer, one after, then the result
 * on both routes), {@code gappy} (line 2 is only in the store: the client must fetch it), {@code fail_me},
 * {@code partial_me}, {@code reject_me} (rejected unauthorized), {@code silent} (never answers), {@code held}
 * (accepted; the test publishes the rest with {@link #log} and {@link #finish}).
 */
final class ProtocolResponder implements AutoCloseable {
    record Received(AMQP.BasicProperties props, TaskRequest request) {}

    static final class Run {
        final String taskId;
        final String task;
        final String user;
        final List<TaskEvent> events = new ArrayList<>();
        volatile TaskResult result;
        volatile boolean cancelRequested;
        String replyTo;
        /** the request asked for events on reply_to ({@code x-events-to-reply-to}) */
        boolean eventsToReplyTo;

        Run(String taskId, String task, String user) {
            this.taskId = taskId;
            this.task = task;
            this.user = user;
        }

        synchronized long nextSeq() {
            return events.size() + 1 + (result == null ? 0 : 1);
        }
    }

    final String node;
    final BlockingQueue<Received> starts = new LinkedBlockingQueue<>();
    final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Connection connection;
    private final Channel channel;

    ProtocolResponder(String node) throws Exception {
        this.node = node;
        TestEndpoints.Rabbit r = TestEndpoints.rabbit();
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(r.uri());
        connection = f.newConnection("protocol-responder");
        channel = connection.createChannel();
        channel.exchangeDeclare(Wire.EVENTS_EXCHANGE, BuiltinExchangeType.TOPIC, true);
        // auto-delete: the test's queues go away with the responder
        channel.queueDeclare(node, false, false, true, null);
        channel.queueDeclare(Wire.controlQueue(node), false, false, true, null);
        channel.basicConsume(node, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) throws IOException {
                onStart(props, Json.read(body, TaskRequest.class));
            }
        });
        channel.basicConsume(Wire.controlQueue(node), true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) throws IOException {
                onControl(props, Json.read(body, ControlRequest.class));
            }
        });
    }

    private void onStart(AMQP.BasicProperties props, TaskRequest req) throws IOException {
        starts.add(new Received(props, req));
        Run known = runs.get(req.taskId());
        if (known != null) { // a duplicate: the current state, and the result if there is one
            reply(props.getReplyTo(), req.taskId(), Wire.TYPE_ACCEPTED, TaskReply.accepted(req.taskId(), req.task(),
                    known.result == null ? TaskStatus.RUNNING : known.result.status(), true));
            if (known.result != null) {
                reply(props.getReplyTo(), req.taskId(), Wire.TYPE_RESULT, known.result);
            }
            return;
        }
        switch (req.task()) {
            case "silent" -> { }
            case "reject_me" -> reply(props.getReplyTo(), req.taskId(), Wire.TYPE_REJECTED, TaskReply.rejected(
                    req.taskId(), req.task(), TaskError.of("unauthorized", props.getUserId() + " may not run reject_me")));
            default -> {
                Run run = new Run(req.taskId(), req.task(), props.getUserId());
                run.replyTo = props.getReplyTo();
                run.eventsToReplyTo = props.getHeaders() != null
                        && Boolean.TRUE.equals(props.getHeaders().get(Wire.HEADER_EVENTS_TO_REPLY_TO));
                runs.put(req.taskId(), run);
                if (req.task().equals(TaskNames.PING)) {
                    log(run, "before accepted", true); // overtakes the accepted answer: the client must keep it
                }
                reply(props.getReplyTo(), req.taskId(), Wire.TYPE_ACCEPTED,
                        TaskReply.accepted(req.taskId(), req.task(), TaskStatus.ACCEPTED, false));
                switch (req.task()) {
                    case TaskNames.PING -> {
                        log(run, "pong", true);
                        finish(run, TaskStatus.SUCCEEDED, true);
                    }
                    case "gappy" -> {
                        log(run, "one", true);
                        log(run, "two", false);
                        log(run, "three", true);
                        finish(run, TaskStatus.SUCCEEDED, true);
                    }
                    case "fail_me" -> finish(run, TaskStatus.FAILED, true);
                    case "partial_me" -> finish(run, TaskStatus.PARTIAL, true);
                    default -> { } // held: the test drives it
                }
            }
        }
    }

    /** Records a log line and (when {@code publish}) sends it on the events exchange. */
    synchronized void log(Run run, String message, boolean publish) throws IOException {
        LogLine line;
        synchronized (run) {
            line = LogLine.of(run.taskId, run.nextSeq(), Instant.now(), "INFO", message);
            run.events.add(line);
        }
        if (publish) {
            event(line, LogLine.TYPE, Wire.TYPE_LOG);
            if (run.eventsToReplyTo) {
                reply(run.replyTo, run.taskId, Wire.TYPE_LOG, line);
            }
        }
    }

    /** Records the result; when {@code publish}: as the last event and to reply_to (so it arrives twice). */
    synchronized void finish(Run run, TaskStatus status, boolean publish) throws IOException {
        Instant now = Instant.now();
        TaskError error = status == TaskStatus.SUCCEEDED ? null : TaskError.of(
                status == TaskStatus.CANCELLED ? "cancelled" : "task_failed", run.task + " ended " + status.wire());
        TaskResult r;
        synchronized (run) {
            r = TaskResult.of(run.taskId, run.nextSeq(), run.task, status, run.task + " " + status.wire(),
                    Json.MAPPER.valueToTree(Map.of("echo", run.task)), error, now, now);
            run.result = r;
        }
        if (publish) {
            event(r, TaskResult.TYPE, Wire.TYPE_RESULT);
            reply(run.replyTo, run.taskId, Wire.TYPE_RESULT, r);
        }
    }

    private void event(TaskEvent e, String kind, String type) throws IOException {
        channel.basicPublish(Wire.EVENTS_EXCHANGE, Wire.eventKey(node, e.taskId(), kind),
                new AMQP.BasicProperties.Builder().contentType(Wire.CONTENT_TYPE).type(type).build(), Json.write(e));
    }

    private synchronized void reply(String replyTo, String correlationId, String type, Object body) throws IOException {
        channel.basicPublish("", replyTo, new AMQP.BasicProperties.Builder().contentType(Wire.CONTENT_TYPE)
                .type(type).correlationId(correlationId).build(), Json.write(body));
    }

    private void onControl(AMQP.BasicProperties props, ControlRequest req) throws IOException {
        ControlReply answer;
        if (req.op().equals(TaskNames.Control.TASKS)) {
            answer = ControlReply.specs(TaskCatalog.all());
        } else if (req.op().equals(TaskNames.Control.LIST)) {
            answer = ControlReply.tasks(runs.values().stream().map(this::summary).toList());
        } else {
            Run run = req.taskId() == null ? null : runs.get(req.taskId());
            if (run == null) {
                answer = ControlReply.error(req.op(), TaskError.of("not_found", "no task " + req.taskId()));
            } else {
                answer = switch (req.op()) {
                    case TaskNames.Control.LOGS -> {
                        long from = req.fromSeq() == null ? 1 : req.fromSeq();
                        synchronized (run) {
                            yield ControlReply.events(summary(run), run.events.stream()
                                    .filter(e -> e.seq() >= from).limit(req.limit() == null ? 1000 : req.limit()).toList());
                        }
                    }
                    case TaskNames.Control.CANCEL -> {
                        run.cancelRequested = true;
                        yield ControlReply.task(req.op(), summary(run), null);
                    }
                    default -> ControlReply.task(req.op(), summary(run), run.result);
                };
            }
        }
        reply(props.getReplyTo(), props.getCorrelationId(), Wire.TYPE_CONTROL_REPLY, answer);
        Run run = req.taskId() == null ? null : runs.get(req.taskId());
        if (req.op().equals(TaskNames.Control.CANCEL) && run != null && run.result == null) {
            log(run, "cancelled on request", true);
            finish(run, TaskStatus.CANCELLED, true);
        }
    }

    private TaskSummary summary(Run run) {
        TaskResult r = run.result;
        return new TaskSummary(run.taskId, node, run.task, Map.of(), r == null ? TaskStatus.RUNNING : r.status(),
                run.user, Instant.now(), Instant.now(), r == null ? null : r.finishedAt(),
                r == null ? null : r.summary(), run.nextSeq() - 1, run.cancelRequested);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
