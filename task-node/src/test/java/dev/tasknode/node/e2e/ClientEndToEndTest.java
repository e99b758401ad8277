package dev.tasknode.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasknode.client.RpcManager;
import dev.tasknode.client.TaskHandle;
import dev.tasknode.client.TaskRejectedException;
import dev.tasknode.client.TaskRpcException;
import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.messages.ProgressEvent;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.messages.TaskSummary;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.ProtocolClient;
import dev.tasknode.node.support.TestTasks;
import dev.tasknode.testing.TcpProxy;
import dev.tasknode.testing.TestEndpoints;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Java client against the real node (Spring Boot, real broker and database): start, follow, result, cancel. */
// RANDOM_PORT: the node as it runs, web layer (actuator, Admin page security) included
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tasknode.workers=2", "tasknode.auth.mutating-users=ops"})
@Import(TestTasks.class)
class ClientEndToEndTest {
    static final NodeTestSupport.Env ENV = NodeTestSupport.create("e2e_client");
    static RpcManager rpc;
    static String node;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        NodeTestSupport.register(r, ENV);
    }

    @BeforeAll
    static void connect() {
        node = ENV.nodeName();
        rpc = RpcManager.connect(TestEndpoints.rabbit().uri());
    }

    @AfterAll
    static void cleanup() throws Exception {
        rpc.close();
        try (ProtocolClient c = new ProtocolClient(node)) {
            c.deleteNodeQueues();
        }
        TestEndpoints.dropDatabaseLater(ENV.database());
    }

    @Test
    void pingLogsAndSucceeds() {
        TaskHandle h = rpc.timeout(30).onBehalfOf("alice").taskStart(node, "ping", Map.of("param", "hello"));
        assertThat(h.reply().isAccepted()).isTrue();
        List<String> lines = new CopyOnWriteArrayList<>();
        h.onLog(l -> lines.add(l.message()));
        TaskResult r = h.join();
        assertThat(r.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(r.summary()).isEqualTo("pong");
        assertThat(r.result().get("message").asString()).isEqualTo("hello");
        assertThat(lines).containsExactly("ping: hello");
        TaskSummary s = rpc.status(node, h.taskId());
        assertThat(s.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(s.requestedBy()).isEqualTo(TestEndpoints.rabbit().user());
    }

    @Test
    void logLinesArriveWhileTheTaskRuns() {
        TaskHandle h = rpc.timeout(30).taskStart(node, "sleep", Map.of("param", "2"));
        List<Instant> arrivals = new CopyOnWriteArrayList<>();
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        h.onEvent(e -> {
            events.add(e);
            arrivals.add(Instant.now());
        });
        TaskResult r = h.join();
        assertThat(r.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(events.stream().map(TaskEvent::seq).toList()).isSorted().doesNotHaveDuplicates();
        assertThat(events.getLast()).isInstanceOf(TaskResult.class);
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent).isNotEmpty();
        List<String> lines = events.stream().filter(e -> e instanceof LogLine).map(e -> ((LogLine) e).message()).toList();
        assertThat(lines).containsExactly("sleeping 2 s", "slept 1 of 2 s", "slept 2 of 2 s");
        // live: the first line came about two seconds before the result, not with it
        assertThat(Duration.between(arrivals.getFirst(), arrivals.getLast())).isGreaterThan(Duration.ofMillis(1500));
    }

    @Test
    void cancelStopsARunningTask() {
        TaskHandle h = rpc.timeout(60).taskStart(node, "sleep", Map.of("seconds", 60));
        CopyOnWriteArrayList<LogLine> lines = new CopyOnWriteArrayList<>();
        h.onLog(lines::add);
        await(() -> !lines.isEmpty());
        long t0 = System.nanoTime();
        TaskSummary s = h.cancel();
        assertThat(s.cancelRequested()).isTrue();
        TaskResult r = h.join();
        assertThat(r.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(r.error().code()).isEqualTo("cancelled");
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void rejectionsAndLocalParamErrors() {
        assertThatThrownBy(() -> rpc.timeout(30).taskStart(node, "no_such_task", Map.of()))
                .isInstanceOfSatisfying(TaskRejectedException.class, e -> assertThat(e.code()).isEqualTo("unknown_task"));
        // test_mutate changes data; only "ops" may run it here
        assertThatThrownBy(() -> rpc.timeout(30).taskStart(node, TestTasks.MUTATE.name(), Map.of()))
                .isInstanceOfSatisfying(TaskRejectedException.class, e -> assertThat(e.code()).isEqualTo("unauthorized"));
        assertThatThrownBy(() -> rpc.taskStart(node, "sleep", Map.of("param", "forever")))
                .isInstanceOf(ParamException.class).hasMessageContaining("parameter 'param'");
    }

    @Test
    void partialIsAResultNotSuccess() {
        TaskResult r = rpc.timeout(30).taskStart(node, TestTasks.PARTIAL.name(), Map.of()).join();
        assertThat(r.status()).isEqualTo(TaskStatus.PARTIAL);
        assertThat(r.succeeded()).isFalse();
    }

    @Test
    void theSameTaskIdRunsOnce() {
        String id = UUID.randomUUID().toString();
        TaskResult first = rpc.timeout(30).taskStart(node, "ping", Map.of(), id).join();
        TaskHandle again = rpc.timeout(30).taskStart(node, "ping", Map.of(), id);
        assertThat(again.reply().duplicate()).isTrue();
        assertThat(again.join().finishedAt()).isEqualTo(first.finishedAt());
    }

    @Test
    void controlCalls() {
        TaskHandle h = rpc.timeout(30).taskStart(node, "sleep", Map.of("seconds", 1));
        TaskResult r = h.join();
        assertThat(rpc.result(node, h.taskId())).get().extracting(TaskResult::status).isEqualTo(TaskStatus.SUCCEEDED);
        List<TaskEvent> logs = rpc.logs(node, h.taskId(), 1, 100);
        assertThat(logs).isNotEmpty().allMatch(e -> e.seq() < r.seq());
        assertThat(rpc.list(node, 100)).extracting(TaskSummary::taskId).contains(h.taskId());
        assertThat(rpc.tasks(node)).extracting(t -> t.name()).contains("ping", "sleep");
        assertThatThrownBy(() -> rpc.status(node, UUID.randomUUID().toString()))
                .isInstanceOfSatisfying(TaskRpcException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
    }

    @Test
    void afterAConnectionLossThePendingHandleStillGetsItsResult() throws Exception {
        TestEndpoints.Rabbit r = TestEndpoints.rabbit();
        try (TcpProxy proxy = new TcpProxy(r.host(), r.port());
             RpcManager viaProxy = RpcManager.connect("amqp://" + r.user() + ":" + r.password() + "@127.0.0.1:" + proxy.port())) {
            TaskHandle h = viaProxy.timeout(60).taskStart(node, "sleep", Map.of("seconds", 3));
            List<TaskEvent> events = new CopyOnWriteArrayList<>();
            h.onEvent(events::add);
            await(() -> !events.isEmpty());
            proxy.refuse(true);
            proxy.cut(); // the client is away while the task logs, progresses and ends
            await(() -> !viaProxy.isConnected());
            Thread.sleep(4000);
            proxy.refuse(false);
            TaskResult result = h.join();
            assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
            // what was missed came by query, in order, each once
            List<Long> seqs = events.stream().map(TaskEvent::seq).toList();
            assertThat(seqs).isSorted().doesNotHaveDuplicates().endsWith(result.seq());
            assertThat(seqs).hasSize((int) result.seq());
        }
    }

    static void await(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 15 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
