package dev.tasknode.client;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskRequest;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.contracts.messages.TaskSummary;
import dev.tasknode.contracts.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Client of task nodes over RabbitMQ (docs/protocol.md): starts tasks, follows them, makes control calls.
 * One connection and one exclusive answer queue per instance; thread-safe; reconnects by itself after a
 * connection loss, after which pending requests are sent again (same ids) and pending tasks query their
 * result. Close it when done.
 *
 * <pre>{@code
 * try (RpcManager rpc = RpcManager.connect("amqp://guest:guest@127.0.0.1:5672")) {
 *     TaskHandle h = rpc.timeout(Duration.ofSeconds(120)).taskStart("admin.task_node", "create_tables", Map.of());
 *     h.onLog(l -> System.out.println(l.level() + " " + l.message()));
 *     TaskResult r = h.join();
 * }
 * }</pre>
 */
public final class RpcManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcManager.class);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    /** Internal queries (gap fill, result after reconnect) wait at most this long each. */
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOGS_PAGE = 1000;
    /** A pending task that was quiet this long asks for its result (see TaskHandle#watch). */
    private static final long QUIET_MS = 15_000;

    /** A request that waits for its answer; kept so it can be sent again after a reconnect. */
    private record Pending(String node, String queue, String id, String type, byte[] body,
                           Map<String, Object> headers, long deadlineNanos, CompletableFuture<Object> answer) {}

    private final BrokerLink link;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, TaskHandle> handles = new ConcurrentHashMap<>();
    private final RpcCall defaults;
    private final TaskHandle.Backend backend = new HandleBackend();

    private RpcManager(ConnectionFactory factory) throws IOException {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tasknode-rpc-timers");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        this.scheduler = timers;
        this.defaults = new RpcCall(this, DEFAULT_TIMEOUT, null);
        try {
            this.link = new BrokerLink(factory, new Dispatch(), scheduler);
        } catch (IOException | RuntimeException e) {
            timers.shutdownNow();
            executor.shutdownNow();
            throw e;
        }
    }

    /** Connects to {@code amqp://user:password@host:port[/vhost]}. */
    public static RpcManager connect(String amqpUri) {
        ConnectionFactory f = new ConnectionFactory();
        try {
            f.setUri(amqpUri);
        } catch (Exception e) {
            throw new IllegalArgumentException("not an AMQP URI: " + amqpUri + " (" + e.getMessage() + ")", e);
        }
        f.setConnectionTimeout(5000);
        f.setRequestedHeartbeat(10); // notice a dead broker within ~20 s even without a TCP reset
        return connect(f);
    }

    /** Connects with a prepared factory (TLS, credentials, …). Its automatic recovery is not used: we reconnect ourselves. */
    public static RpcManager connect(ConnectionFactory factory) {
        try {
            return new RpcManager(factory);
        } catch (IOException | RuntimeException e) {
            if (e instanceof TaskRpcException t) {
                throw t;
            }
            throw new TaskRpcException(TaskRpcException.CONNECTION, "cannot connect to the broker at "
                    + factory.getHost() + ":" + factory.getPort() + ": " + e.getMessage(), e);
        }
    }

    /** Calls with another timeout (default 120 s). */
    public RpcCall timeout(Duration timeout) {
        return defaults.timeout(timeout);
    }

    public RpcCall timeout(int seconds) {
        return defaults.timeout(seconds);
    }

    public RpcCall onBehalfOf(String person) {
        return defaults.onBehalfOf(person);
    }

    public TaskHandle taskStart(String node, String task, Map<String, ?> params) {
        return defaults.taskStart(node, task, params);
    }

    public TaskHandle taskStart(String node, String task, Map<String, ?> params, String taskId) {
        return defaults.taskStart(node, task, params, taskId);
    }

    public TaskSummary status(String node, String taskId) {
        return defaults.status(node, taskId);
    }

    public Optional<TaskResult> result(String node, String taskId) {
        return defaults.result(node, taskId);
    }

    public List<TaskEvent> logs(String node, String taskId, long fromSeq, int limit) {
        return defaults.logs(node, taskId, fromSeq, limit);
    }

    public TaskSummary cancel(String node, String taskId) {
        return defaults.cancel(node, taskId);
    }

    public List<TaskSummary> list(String node, int limit) {
        return defaults.list(node, limit);
    }

    public List<TaskSpec> tasks(String node) {
        return defaults.tasks(node);
    }

    /** The broker user all requests are sent as ({@code user_id}). */
    public String user() {
        return link.user();
    }

    public boolean isConnected() {
        return link.connected();
    }

    /** For tests. */
    BrokerLink link() {
        return link;
    }

    TaskHandle start(RpcCall call, String node, String task, Map<String, ?> params, String taskId) {
        Map<String, Object> raw = params == null ? Map.of() : new LinkedHashMap<>(params);
        // the contracts are the only parser; tasks they do not know are the node's to refuse
        TaskCatalog.find(task).ifPresent(spec -> spec.parse(raw));
        String id = taskId != null ? taskId : UUID.randomUUID().toString();
        long now = System.nanoTime();
        long deadline = now + call.timeout().toNanos();
        TaskHandle handle = new TaskHandle(backend, node, id, task, deadline);
        if (handles.putIfAbsent(id, handle) != null) {
            throw new IllegalStateException("task id " + id + " is already pending on this RpcManager");
        }
        String binding = Wire.taskBinding(node, id);
        boolean started = false;
        try {
            // events come to reply_to (no per-task binding, which costs the broker a metadata change per task);
            // the binding is only made on a new connection, whose queue the node does not know
            link.want(binding);
            Map<String, Object> headers = headers(call);
            headers.put(Wire.HEADER_EVENTS_TO_REPLY_TO, true);
            headers.put(Wire.HEADER_TIMEOUT_MS, call.timeout().toMillis());
            headers.put(Wire.HEADER_SENT_AT, System.currentTimeMillis());
            byte[] body = Json.write(new TaskRequest(Wire.VERSION, id, task, raw));
            Object answer = send(new Pending(node, node, id, Wire.TYPE_TASK_START, body, headers, deadline,
                    new CompletableFuture<>()), "start of " + task);
            if (!(answer instanceof TaskReply reply)) {
                throw new TaskRpcException(TaskRpcException.PROTOCOL, "unexpected answer to task.start: " + answer, null);
            }
            if (!reply.isAccepted()) {
                throw new TaskRejectedException(reply);
            }
            handle.accepted(reply);
            handle.timer(scheduler.schedule(() -> handle.fail(new TaskTimeoutException("no result for task " + id
                    + " within " + call.timeout().toMillis() + " ms")), deadline - System.nanoTime(), TimeUnit.NANOSECONDS));
            handle.watch(QUIET_MS);
            started = true;
            return handle;
        } finally {
            if (!started) {
                // ends a recovery poll a reconnect may have begun for it, drops map entry and binding
                handle.fail(new TaskRpcException(TaskRpcException.CLOSED, "the start of " + id + " failed", null));
                if (handles.remove(id, handle)) {
                    executor.execute(() -> link.unbind(binding));
                }
            }
        }
    }

    ControlReply control(RpcCall call, String node, ControlRequest request) {
        long deadline = System.nanoTime() + call.timeout().toNanos();
        Pending p = new Pending(node, Wire.controlQueue(node), UUID.randomUUID().toString(), Wire.TYPE_CONTROL,
                Json.write(request), headers(call), deadline, new CompletableFuture<>());
        Object answer = send(p, request.op() + (request.taskId() == null ? "" : " " + request.taskId()));
        if (!(answer instanceof ControlReply reply)) {
            throw new TaskRpcException(TaskRpcException.PROTOCOL, "unexpected answer to a control call: " + answer, null);
        }
        if (!reply.ok()) {
            throw new TaskRpcException(reply.error() != null ? reply.error()
                    : new dev.tasknode.contracts.messages.TaskError("internal", "control call failed without an error", Map.of()));
        }
        return reply;
    }

    private static Map<String, Object> headers(RpcCall call) {
        Map<String, Object> h = new HashMap<>();
        h.put(Wire.HEADER_VERSION, Wire.VERSION);
        if (call.onBehalfOf() != null) {
            h.put(Wire.HEADER_ON_BEHALF_OF, call.onBehalfOf());
        }
        return h;
    }

    /** Publishes and waits for the answer (accepted/rejected or control reply) until the deadline. */
    private Object send(Pending p, String what) {
        pending.put(p.id(), p);
        Supplier<String> noAnswer = () -> what + " on " + p.node() + ": no answer within the timeout"
                + (link.connected() ? "" : " (not connected to the broker)");
        try {
            publish(p);
            return Await.get(p.answer(), p.deadlineNanos() - System.nanoTime(), noAnswer, what);
        } catch (TimeoutException e) { // the connection stayed away until the deadline
            throw new TaskTimeoutException(noAnswer.get());
        } finally {
            pending.remove(p.id(), p);
        }
    }

    private void publish(Pending p) throws TimeoutException {
        String user = link.user();
        link.publish(p.queue(), replyTo -> new AMQP.BasicProperties.Builder()
                .contentType(Wire.CONTENT_TYPE)
                .deliveryMode(2)
                .messageId(p.id())
                .correlationId(p.id())
                .replyTo(replyTo)
                .userId(user)
                .type(p.type())
                // the broker drops what no node took before the deadline; the node checks the headers too
                .expiration(Long.toString(Math.max(1, TimeUnit.NANOSECONDS.toMillis(p.deadlineNanos() - System.nanoTime()))))
                .headers(p.headers())
                .build(), p.body(), p.deadlineNanos());
    }

    @Override
    public void close() {
        link.close();
        TaskRpcException closed = new TaskRpcException(TaskRpcException.CLOSED, "the RpcManager was closed", null);
        pending.values().forEach(p -> p.answer().completeExceptionally(closed));
        handles.values().forEach(h -> h.fail(closed));
        scheduler.shutdownNow();
        executor.shutdown();
    }

    /** What handles need: internal queries with a short timeout, the end of a handle, the threads. */
    private final class HandleBackend implements TaskHandle.Backend {
        @Override
        public List<TaskEvent> logs(String node, String taskId, long fromSeq) {
            return defaults.timeout(QUERY_TIMEOUT).logs(node, taskId, fromSeq, LOGS_PAGE);
        }

        @Override
        public Optional<TaskResult> result(String node, String taskId) {
            return defaults.timeout(QUERY_TIMEOUT).result(node, taskId);
        }

        @Override
        public TaskSummary cancel(String node, String taskId) {
            return defaults.cancel(node, taskId);
        }

        @Override
        public void finished(TaskHandle handle) {
            if (handles.remove(handle.taskId(), handle)) {
                executor.execute(() -> link.unbind(Wire.taskBinding(handle.node(), handle.taskId())));
            }
        }

        @Override
        public Executor executor() {
            return executor;
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return scheduler;
        }
    }

    /** Routes what arrives on the answer queue. Runs on amqp-client's consumer thread: hands work off, never blocks. */
    private final class Dispatch implements BrokerLink.Listener {
        @Override
        public void delivered(AMQP.BasicProperties props, byte[] body) {
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(body);
            } catch (JacksonException e) {
                log.warn("ignoring a message that is not JSON (type {})", props.getType());
                return;
            }
            String type = props.getType() != null ? props.getType() : "";
            String kind = n.path("type").asString("");
            if (type.equals(Wire.TYPE_CONTROL_REPLY) || (n.has("op") && n.has("ok"))) {
                complete(props.getCorrelationId(), Json.MAPPER.treeToValue(n, ControlReply.class));
            } else if (kind.equals(TaskReply.ACCEPTED) || kind.equals(TaskReply.REJECTED)) {
                TaskReply reply = Json.MAPPER.treeToValue(n, TaskReply.class);
                complete(props.getCorrelationId() != null ? props.getCorrelationId() : reply.taskId(), reply);
            } else {
                TaskEvent e = Json.MAPPER.treeToValue(n, TaskEvent.class);
                TaskHandle h = handles.get(e.taskId());
                if (h != null) {
                    h.offer(e);
                }
            }
        }

        private void complete(String correlationId, Object answer) {
            Pending p = correlationId == null ? null : pending.get(correlationId);
            if (p != null) {
                p.answer().complete(answer);
            }
        }

        @Override
        public void returned(String routingKey, AMQP.BasicProperties props) {
            Pending p = props.getCorrelationId() == null ? null : pending.get(props.getCorrelationId());
            if (p != null) {
                p.answer().completeExceptionally(new NoSuchNodeException(p.node(), routingKey));
            }
        }

        @Override
        public void reconnected() {
            // answers to what was sent before may be lost: send again (same ids; a known task id runs once)
            for (Pending p : pending.values()) {
                executor.execute(() -> {
                    try {
                        publish(p);
                    } catch (TimeoutException | RuntimeException e) {
                        log.debug("re-send of {} failed: {}", p.id(), e.toString());
                    }
                });
            }
            handles.values().forEach(TaskHandle::recover);
        }
    }
}
