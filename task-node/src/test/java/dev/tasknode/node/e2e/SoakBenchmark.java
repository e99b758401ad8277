package dev.tasknode.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskRequest;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.support.NodeProcess;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.ProtocolClient;
import dev.tasknode.testing.TestEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's soak: two node replicas (processes) on one queue, 10,000 pings and 200 sleeps sent at once, one
 * replica killed (-9) and restarted half-way. Checks that no task is lost (each ends succeeded, or interrupted when
 * it ran on the killed replica) and none runs twice (one non-duplicate accepted, one start time per task); measures
 * accept latency (publish → task.accepted/rejected, p50/p99) and each replica's RSS before and after.
 * Run: {@code ./mvnw -B -Pbench -pl task-node -am verify -Dtest=SoakBenchmark}. Writes
 * task-node/target/benchmarks/soak.json. Results: docs/benchmarks.md.
 */
@Tag("benchmark")
class SoakBenchmark {
    static final int PINGS = Integer.getInteger("bench.pings", 10_000);
    static final int SLEEPS = Integer.getInteger("bench.sleeps", 200);
    static final int IN_FLIGHT = Integer.getInteger("bench.inflight", 64);

    /** What the caller saw of one task. */
    static final class Seen {
        final long sentNanos;
        final boolean windowed; // holds a place in the in-flight window until answered
        volatile long answeredNanos;
        final AtomicInteger fresh = new AtomicInteger(); // accepted, not duplicate
        final Set<String> startedAt = ConcurrentHashMap.newKeySet();
        volatile String status;

        Seen(long sent, boolean windowed) {
            this.sentNanos = sent;
            this.windowed = windowed;
        }
    }

    @Test
    void twoReplicasOneKilledMidWayLoseNothingAndRunNothingTwice() throws Exception {
        NodeTestSupport.Env env = NodeTestSupport.create("tnrel_soak");
        List<NodeProcess> nodes = new ArrayList<>();
        Map<String, Seen> seen = new ConcurrentHashMap<>();
        Map<String, Object> report = new LinkedHashMap<>();
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(TestEndpoints.rabbit().uri());
        try (Connection c = f.newConnection("soak"); Channel ch = c.createChannel();
             ProtocolClient control = new ProtocolClient(env.nodeName())) {
            NodeProcess a = NodeProcess.start(env, "soak-a");
            NodeProcess b = NodeProcess.start(env, "soak-b");
            nodes.add(a);
            nodes.add(b);
            String replies = ch.queueDeclare("", false, true, true, null).getQueue();
            Semaphore window = new Semaphore(IN_FLIGHT);
            ch.basicConsume(replies, true, (tag, d) -> {
                Seen s = seen.get(d.getProperties().getCorrelationId());
                if (s == null) {
                    return;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = Json.MAPPER.readValue(d.getBody(), Map.class);
                String type = String.valueOf(m.get("type"));
                if (("accepted".equals(type) || "rejected".equals(type)) && s.answeredNanos == 0) {
                    s.answeredNanos = System.nanoTime();
                    if (s.windowed) {
                        window.release();
                    }
                }
                if ("accepted".equals(type) && !Boolean.TRUE.equals(m.get("duplicate"))) {
                    s.fresh.incrementAndGet();
                }
                if ("result".equals(type)) {
                    s.status = String.valueOf(m.get("status"));
                    if (m.get("started_at") != null) {
                        s.startedAt.add(m.get("started_at").toString());
                    }
                }
            }, tag -> {});
            report.put("rss_mib_before", Map.of("soak-a", a.rssMib(), "soak-b", b.rssMib()));
            long t0 = System.nanoTime();
            for (int i = 0; i < SLEEPS; i++) { // at once: they hold every worker for a while
                publish(ch, env.nodeName(), replies, seen, "sleep", Map.of("seconds", 1), false);
            }
            for (int i = 0; i < PINGS; i++) {
                if (i == PINGS / 2) {
                    a.kill9();
                    report.put("killed_at_ping", i);
                    nodes.add(NodeProcess.start(env, "soak-a2"));
                }
                if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new AssertionError("no answer to " + IN_FLIGHT + " requests within 60 s");
                }
                publish(ch, env.nodeName(), replies, seen, "ping", Map.of("message", "soak " + i), true);
            }
            // results of tasks cut off on the killed replica go to the events exchange, not to reply_to:
            // ask for every task still without a result, as a reconnecting caller does
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            List<String> open = open(seen);
            while (!open.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(1000);
                for (String id : open) {
                    ControlReply r = control.control(ControlRequest.of(TaskNames.Control.RESULT, id));
                    if (r.ok() && r.result() != null) {
                        seen.get(id).status = r.result().status().wire();
                        if (r.result().startedAt() != null) {
                            seen.get(id).startedAt.add(r.result().startedAt().toString());
                        }
                    }
                }
                open = open(seen);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            report.put("rss_mib_after", Map.of("soak-b", b.rssMib(), "soak-a2", nodes.get(2).rssMib()));
            long[] lat = seen.values().stream().filter(s -> s.answeredNanos > 0)
                    .mapToLong(s -> s.answeredNanos - s.sentNanos).sorted().toArray();
            Map<String, Integer> byStatus = new java.util.TreeMap<>();
            seen.values().forEach(s -> byStatus.merge(String.valueOf(s.status), 1, Integer::sum));
            long twice = seen.values().stream().filter(s -> s.fresh.get() > 1 || s.startedAt.size() > 1).count();
            report.put("tasks", seen.size());
            report.put("seconds", Math.round(seconds * 10) / 10.0);
            report.put("statuses", byStatus);
            report.put("lost", open.size());
            report.put("ran_twice", twice);
            report.put("unanswered", seen.size() - lat.length);
            report.put("accept_ms_p50", at(lat, 0.50));
            report.put("accept_ms_p99", at(lat, 0.99));
            report.put("accept_ms_max", lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
            report.put("load_average", Files.readString(Path.of("/proc/loadavg")).strip());
            System.out.println("SoakBenchmark: " + report);
            Path out = Path.of("target", "benchmarks");
            Files.createDirectories(out);
            Files.write(out.resolve("soak.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
            assertThat(open).as("tasks without an end").isEmpty();
            assertThat(twice).as("tasks run twice").isZero();
            assertThat(byStatus.keySet()).as("each ends succeeded, or interrupted on the killed replica")
                    .isSubsetOf("succeeded", "interrupted");
            control.deleteNodeQueues();
        } finally {
            for (NodeProcess n : nodes) {
                n.close();
            }
            TestEndpoints.dropDatabase(env.database());
        }
    }

    private static List<String> open(Map<String, Seen> seen) {
        return seen.entrySet().stream().filter(e -> e.getValue().status == null).map(Map.Entry::getKey).toList();
    }

    private static double at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e4) / 100.0;
    }

    private static void publish(Channel ch, String node, String replyTo, Map<String, Seen> seen, String task,
                                Map<String, ?> params, boolean windowed) throws Exception {
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        seen.put(id, new Seen(System.nanoTime(), windowed));
        AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().contentType(Wire.CONTENT_TYPE).deliveryMode(2)
                .messageId(id).correlationId(id).replyTo(replyTo).userId(TestEndpoints.rabbit().user())
                .type(Wire.TYPE_TASK_START).headers(Map.of(Wire.HEADER_TIMEOUT_MS, 600_000L, Wire.HEADER_SENT_AT, now,
                        Wire.HEADER_VERSION, Wire.VERSION)).build();
        ch.basicPublish("", node, p, Json.write(TaskRequest.of(id, task, params)));
    }
}
