package dev.tasknode.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.tasknode.client.RpcManager;
import dev.tasknode.client.TaskHandle;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.ProtocolClient;
import dev.tasknode.testing.TestEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 2's benchmark: task start → accepted round trip (p50/p99) and no-op task throughput through the real
 * node, beside a raw amqp-client request/reply on the same broker in the same run (the raw responder is
 * in-test and does nothing but answer). Run: {@code ./mvnw -B -Pbench -pl task-node -am verify -Dtest=RoundTripBenchmark}.
 * Prints a table; writes task-node/target/benchmarks/roundtrip.json. Results: docs/benchmarks.md.
 */
@Tag("benchmark")
// RANDOM_PORT: the node as it runs, web layer (actuator, Admin page security) included
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RoundTripBenchmark {
    static final NodeTestSupport.Env ENV = NodeTestSupport.create("bench");
    static final int WARMUP = Integer.getInteger("bench.warmup", 300);
    static final int SAMPLES = Integer.getInteger("bench.samples", 2000);
    static final int THROUGHPUT_TASKS = Integer.getInteger("bench.tasks", 3000);
    static final int CALLERS = Integer.getInteger("bench.callers", 8);

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        NodeTestSupport.register(r, ENV);
    }

    @AfterAll
    static void cleanup() throws Exception {
        try (ProtocolClient c = new ProtocolClient(ENV.nodeName())) {
            c.deleteNodeQueues();
        }
        TestEndpoints.dropDatabase(ENV.database());
    }

    record Latency(String name, int n, double p50, double p90, double p99, double max, double mean) {
        static Latency of(String name, long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            double mean = Arrays.stream(s).average().orElse(0) / 1e6;
            return new Latency(name, s.length, at(s, 0.50), at(s, 0.90), at(s, 0.99), s[s.length - 1] / 1e6, mean);
        }

        private static double at(long[] sorted, double q) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
        }
    }

    record Throughput(String name, int callers, int n, double seconds, double perSecond) {}

    @Test
    void roundTrip() throws Exception {
        String node = ENV.nodeName();
        String rawQueue = TestEndpoints.uniqueName("bench_raw");
        String rawQuorum = TestEndpoints.uniqueName("bench_raw_quorum");
        List<Latency> latencies = new ArrayList<>();
        List<Throughput> throughputs = new ArrayList<>();
        try (RawResponder raw = new RawResponder(rawQueue, false);
             RawResponder rawQ = new RawResponder(rawQuorum, true);
             RpcManager rpc = RpcManager.connect(TestEndpoints.rabbit().uri())) {
            // warm-up: JIT, connection pools, the node's prepared statements
            sample(WARMUP, () -> raw.call());
            sample(WARMUP, () -> rawQ.call());
            sample(WARMUP, () -> rpc.timeout(30).taskStart(node, "ping", Map.of()).join());

            // interleaved, in a rotating order: on a shared machine load comes and goes, and every series
            // must see the same load for the ratios to mean anything
            try (RpcManager toRaw = RpcManager.connect(TestEndpoints.rabbit().uri())) {
                sample(WARMUP, () -> toRaw.timeout(30).taskStart(rawQuorum, "ping", Map.of()).join());
                long[] classic = new long[SAMPLES];
                long[] quorum = new long[SAMPLES];
                long[] accepted = new long[SAMPLES];
                long[] complete = new long[SAMPLES];
                long[] clientOnly = new long[SAMPLES];
                for (int i = 0; i < SAMPLES; i++) {
                    int n = i;
                    List<Call> round = new ArrayList<>(List.of(
                            () -> classic[n] = time(raw::call),
                            () -> quorum[n] = time(rawQ::call),
                            () -> {
                                long t0 = System.nanoTime();
                                TaskHandle h = rpc.timeout(30).taskStart(node, "ping", Map.of());
                                accepted[n] = System.nanoTime() - t0;
                                assertThat(h.join().status()).isEqualTo(TaskStatus.SUCCEEDED);
                                complete[n] = System.nanoTime() - t0;
                            },
                            () -> {
                                // the client alone: the raw responder answers "accepted" (and a result) at once
                                long t0 = System.nanoTime();
                                TaskHandle h = toRaw.timeout(30).taskStart(rawQuorum, "ping", Map.of());
                                clientOnly[n] = System.nanoTime() - t0;
                                h.join();
                            }));
                    java.util.Collections.rotate(round, i);
                    for (Call c : round) {
                        c.run();
                    }
                }
                latencies.add(Latency.of("raw request/reply (classic queue, transient)", classic));
                latencies.add(Latency.of("raw request/reply (quorum queue, persistent)", quorum));
                latencies.add(Latency.of("task start -> accepted (ping, Java client)", accepted));
                latencies.add(Latency.of("task start -> result (ping, Java client)", complete));
                latencies.add(Latency.of("Java client start -> accepted, raw responder", clientOnly));
            }

            throughputs.add(throughput("raw request/reply (quorum queue, persistent)", () -> rawQ.call()));
            throughputs.add(throughput("ping tasks start -> result through the node", () -> {
                rpc.timeout(60).taskStart(node, "ping", Map.of()).join();
            }));
        }
        report(latencies, throughputs);
    }

    interface Call {
        void run() throws Exception;
    }

    private static long time(Call call) throws Exception {
        long t0 = System.nanoTime();
        call.run();
        return System.nanoTime() - t0;
    }

    private static long[] sample(int n, Call call) throws Exception {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            call.run();
            out[i] = System.nanoTime() - t0;
        }
        return out;
    }

    private static Throughput throughput(String name, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        AtomicInteger left = new AtomicInteger(THROUGHPUT_TASKS);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                fs.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        call.run();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Throughput(name, CALLERS, THROUGHPUT_TASKS, s, THROUGHPUT_TASKS / s);
    }

    private static void report(List<Latency> latencies, List<Throughput> throughputs) throws Exception {
        StringBuilder t = new StringBuilder("\nBroker round trip (loopback, sequential, interleaved, n = " + SAMPLES + ")\n");
        t.append(String.format(Locale.ROOT, "%-48s %8s %8s %8s %8s %8s%n", "", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms"));
        for (Latency l : latencies) {
            t.append(String.format(Locale.ROOT, "%-48s %8.3f %8.3f %8.3f %8.3f %8.3f%n", l.name(), l.p50(), l.p90(), l.p99(), l.max(), l.mean()));
        }
        Latency rawQ = latencies.get(1);
        Latency accepted = latencies.get(2);
        double ratioP50 = accepted.p50() / rawQ.p50();
        double ratioP99 = accepted.p99() / rawQ.p99();
        t.append(String.format(Locale.ROOT, "accepted vs raw (quorum): p50 %.2fx, p99 %.2fx  (goal: p50 <= 5 ms, p99 <= 25 ms, <= 2x raw)%n",
                ratioP50, ratioP99));
        t.append("\nThroughput (" + CALLERS + " callers, " + THROUGHPUT_TASKS + " calls)\n");
        for (Throughput x : throughputs) {
            t.append(String.format(Locale.ROOT, "%-48s %8.0f /s  (%.1f s)%n", x.name(), x.perSecond(), x.seconds()));
        }
        System.out.println(t);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("when", java.time.Instant.now().toString());
        doc.put("samples", SAMPLES);
        doc.put("latency_ms", latencies);
        doc.put("accepted_over_raw_quorum", Map.of("p50", ratioP50, "p99", ratioP99));
        doc.put("throughput", throughputs);
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        Path out = Path.of("target", "benchmarks", "roundtrip.json");
        Files.createDirectories(out.getParent());
        Files.write(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    }

    /**
     * The raw baseline, in-test: a responder that answers every request at once, and a caller with its own
     * exclusive reply queue, both plain amqp-client. Same message sizes as a task.start / accepted pair.
     */
    static final class RawResponder implements AutoCloseable {
        private final String queue;
        private final boolean persistent;
        private final Connection server;
        private final Connection client;
        private final ThreadLocal<Caller> callers;
        private final List<Caller> all = new java.util.concurrent.CopyOnWriteArrayList<>();

        private final class Caller {
            final Channel ch;
            final String replyQueue;
            final BlockingQueue<String> answers = new ArrayBlockingQueue<>(1);

            Caller() {
                try {
                    ch = client.createChannel();
                    replyQueue = ch.queueDeclare().getQueue();
                    ch.basicConsume(replyQueue, true, new DefaultConsumer(ch) {
                        @Override
                        public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body) {
                            answers.add(p.getCorrelationId());
                        }
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        RawResponder(String queue, boolean quorum) throws Exception {
            this.queue = queue;
            this.persistent = quorum;
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(TestEndpoints.rabbit().uri());
            server = f.newConnection("bench-raw-server");
            client = f.newConnection("bench-raw-client");
            Channel s = server.createChannel();
            s.queueDeclare(queue, quorum, false, !quorum, quorum ? Map.of("x-queue-type", "quorum") : null);
            s.basicQos(CALLERS);
            byte[] answer = Json.write(Map.of("v", 1, "type", "accepted", "task_id", UUID.randomUUID().toString(),
                    "task", "ping", "status", "accepted", "duplicate", false));
            s.basicConsume(queue, false, new DefaultConsumer(s) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body) throws java.io.IOException {
                    s.basicPublish("", p.getReplyTo(), new AMQP.BasicProperties.Builder()
                            .correlationId(p.getCorrelationId()).contentType("application/json").build(), answer);
                    if (Wire.TYPE_TASK_START.equals(p.getType())) {
                        // the Java client's handle: end it at once, as a ping would, so none stays pending
                        String id = Json.MAPPER.readTree(body).get("task_id").asString();
                        s.basicPublish("", p.getReplyTo(), new AMQP.BasicProperties.Builder().type(Wire.TYPE_RESULT)
                                .correlationId(id).contentType("application/json").build(), Json.write(
                                TaskResult.of(id, 1, "ping", TaskStatus.SUCCEEDED, "pong", null, null, null, null)));
                    }
                    s.basicAck(env.getDeliveryTag(), false);
                }
            });
            callers = ThreadLocal.withInitial(() -> {
                Caller c = new Caller();
                all.add(c);
                return c;
            });
        }

        void call() throws Exception {
            Caller c = callers.get();
            String id = UUID.randomUUID().toString();
            byte[] body = Json.write(Map.of("v", 1, "task_id", id, "task", "ping", "params", Map.of()));
            c.ch.basicPublish("", queue, true, new AMQP.BasicProperties.Builder().correlationId(id).messageId(id)
                    .replyTo(c.replyQueue).contentType("application/json").deliveryMode(persistent ? 2 : 1).build(), body);
            String got = c.answers.poll(30, TimeUnit.SECONDS);
            if (!id.equals(got)) {
                throw new IllegalStateException("raw call " + id + " got " + got);
            }
        }

        @Override
        public void close() throws Exception {
            try (Channel ch = server.createChannel()) {
                ch.queueDelete(queue);
            }
            server.close();
            client.close();
        }
    }
}
