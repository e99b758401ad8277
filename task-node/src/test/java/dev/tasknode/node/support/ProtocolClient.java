package dev.tasknode.node.support;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskRequest;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.Wire;
import dev.tasknode.testing.TestEndpoints;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A caller written from docs/protocol.md alone, with the bare amqp-client (no tasknode client code): the node
 * tests use it so they check the documented wire contract, not our own client's reading of it.
 */
public final class ProtocolClient implements AutoCloseable {
    private final Connection connection;
    private final Channel channel;
    private final String node;

    public ProtocolClient(String node) throws Exception {
        TestEndpoints.Rabbit r = TestEndpoints.rabbit();
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(r.host());
        f.setPort(r.port());
        f.setUsername(r.user());
        f.setPassword(r.password());
        this.connection = f.newConnection("protocol-test");
        this.channel = connection.createChannel();
        this.node = node;
        channel.exchangeDeclare(Wire.EVENTS_EXCHANGE, "topic", true);
    }

    public String user() {
        return TestEndpoints.rabbit().user();
    }

    /** One started task: everything that arrives on its answer queue, in order, as raw JSON maps + AMQP type. */
    public final class Call {
        public final String taskId;
        public final String queue;
        public final BlockingQueue<Map<String, Object>> inbox = new LinkedBlockingQueue<>();

        Call(String taskId, String queue) {
            this.taskId = taskId;
            this.queue = queue;
        }

        /** The next message whose "type" is one of {@code types}, skipping others; fails after {@code wait}. */
        public Map<String, Object> next(Duration wait, String... types) throws InterruptedException {
            long end = System.nanoTime() + wait.toNanos();
            while (true) {
                long left = end - System.nanoTime();
                Map<String, Object> m = inbox.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("no " + String.join("/", types) + " for task " + taskId + " within " + wait);
                }
                for (String t : types) {
                    if (t.equals(m.get("type"))) {
                        return m;
                    }
                }
            }
        }

        public TaskReply reply(Duration wait) throws InterruptedException {
            return Json.MAPPER.convertValue(next(wait, "accepted", "rejected"), TaskReply.class);
        }

        public TaskResult result(Duration wait) throws InterruptedException {
            return Json.MAPPER.convertValue(next(wait, "result"), TaskResult.class);
        }
    }

    public Call start(String task, Map<String, ?> params) throws Exception {
        return start(UUID.randomUUID().toString(), task, params, props -> {});
    }

    /** Binds, then publishes a task.start exactly as docs/protocol.md §2 says; {@code tweak} may alter the properties. */
    public Call start(String taskId, String task, Map<String, ?> params,
                      java.util.function.Consumer<Map<String, Object>> tweak) throws Exception {
        return start(taskId, task, params, tweak, true);
    }

    /** The other way of §2.1: no binding, the request asks for its events on reply_to. */
    public Call startWithEventsToReplyTo(String task, Map<String, ?> params) throws Exception {
        return start(UUID.randomUUID().toString(), task, params, p -> p.put(Wire.HEADER_EVENTS_TO_REPLY_TO, true), false);
    }

    private Call start(String taskId, String task, Map<String, ?> params,
                       java.util.function.Consumer<Map<String, Object>> tweak, boolean bind) throws Exception {
        String q;
        synchronized (channel) {
            q = channel.queueDeclare("", false, true, true, null).getQueue();
            if (bind) {
                channel.queueBind(q, Wire.EVENTS_EXCHANGE, Wire.taskBinding(node, taskId));
            }
        }
        Call call = new Call(taskId, q);
        DeliverCallback cb = (tag, d) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = Json.MAPPER.readValue(d.getBody(), Map.class);
            m.put("_amqp_type", d.getProperties().getType());
            m.put("_correlation_id", d.getProperties().getCorrelationId());
            call.inbox.add(m);
        };
        synchronized (channel) {
            channel.basicConsume(q, true, cb, tag -> {});
        }
        publish(taskId, task, params, q, tweak);
        return call;
    }

    /** Publishes a request to an existing answer queue (a retry / duplicate of the same id). */
    public void publish(String taskId, String task, Map<String, ?> params, String replyTo,
                        java.util.function.Consumer<Map<String, Object>> tweak) throws Exception {
        long timeoutMs = 60_000;
        Map<String, Object> p = new HashMap<>();
        p.put("user_id", user());
        p.put("expiration", String.valueOf(timeoutMs));
        p.put(Wire.HEADER_TIMEOUT_MS, timeoutMs);
        p.put(Wire.HEADER_SENT_AT, System.currentTimeMillis());
        tweak.accept(p);
        Map<String, Object> headers = new HashMap<>();
        for (String h : new String[] {Wire.HEADER_TIMEOUT_MS, Wire.HEADER_SENT_AT, "x-on-behalf-of", "x-events-to-reply-to"}) {
            if (p.get(h) != null) {
                headers.put(h, p.get(h));
            }
        }
        headers.put(Wire.HEADER_VERSION, Wire.VERSION);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(Wire.CONTENT_TYPE).deliveryMode(2).messageId(taskId).correlationId(taskId)
                .replyTo(replyTo).userId((String) p.get("user_id")).type(Wire.TYPE_TASK_START)
                .expiration((String) p.get("expiration")).headers(headers).build();
        byte[] body = p.containsKey("body") ? (byte[]) p.get("body")
                : Json.write(TaskRequest.of(taskId, task, params));
        synchronized (channel) {
            channel.basicPublish("", node, true, props, body);
        }
    }

    /** A control call (§4) through a temporary queue; waits up to 10 s. */
    public ControlReply control(ControlRequest req) throws Exception {
        Channel ch = connection.createChannel();
        try {
            String q = ch.queueDeclare("", false, true, true, null).getQueue();
            String corr = UUID.randomUUID().toString();
            BlockingQueue<byte[]> box = new LinkedBlockingQueue<>();
            ch.basicConsume(q, true, (tag, d) -> {
                if (corr.equals(d.getProperties().getCorrelationId())) {
                    box.add(d.getBody());
                }
            }, tag -> {});
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType(Wire.CONTENT_TYPE)
                    .correlationId(corr).replyTo(q).userId(user()).type(Wire.TYPE_CONTROL).build();
            ch.basicPublish("", Wire.controlQueue(node), props, Json.write(req));
            byte[] body = box.poll(10, TimeUnit.SECONDS);
            if (body == null) {
                throw new AssertionError("no answer to control " + req.op() + " within 10 s");
            }
            return Json.read(body, ControlReply.class);
        } finally {
            ch.close();
        }
    }

    public static TaskEvent event(Map<String, Object> m) {
        Map<String, Object> clean = new HashMap<>(m);
        clean.remove("_amqp_type");
        clean.remove("_correlation_id");
        return Json.MAPPER.convertValue(clean, TaskEvent.class);
    }

    /** Removes the node's durable queues (test node names are unique, so nothing else uses them). */
    public void deleteNodeQueues() throws Exception {
        try (Channel ch = connection.createChannel()) {
            ch.queueDelete(node);
            ch.queueDelete(Wire.controlQueue(node));
            ch.queueDelete(node + ".dead");
            ch.exchangeDelete(node + ".dead");
        }
    }

    /** Publishes {@code body} with exactly these properties to the node's queue (or its control queue). */
    public void publishRaw(boolean control, AMQP.BasicProperties props, byte[] body) throws Exception {
        synchronized (channel) {
            channel.basicPublish("", control ? Wire.controlQueue(node) : node, props, body);
        }
    }

    /** The next record on {@code <node>.dead}, or null when none arrives within {@code wait}. */
    public com.rabbitmq.client.GetResponse nextDead(Duration wait) throws Exception {
        long end = System.nanoTime() + wait.toNanos();
        do {
            com.rabbitmq.client.GetResponse r;
            synchronized (channel) {
                r = channel.basicGet(node + ".dead", true);
            }
            if (r != null) {
                return r;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        return null;
    }

    /** Messages waiting in a queue of the node ({@code ""} = the request queue, or a suffix such as ".dead"). */
    public long depth(String suffix) throws Exception {
        synchronized (channel) {
            return channel.messageCount(node + suffix);
        }
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
