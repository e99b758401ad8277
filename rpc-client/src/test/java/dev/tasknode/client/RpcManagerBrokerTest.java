package dev.tasknode.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.messages.TaskSummary;
import dev.tasknode.contracts.Wire;
import dev.tasknode.testing.TestEndpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against the real RabbitMQ. The "node" here is {@link ProtocolResponder}, a stand-in that answers
 * per docs/protocol.md — not the task node; it lets these tests check the client's side of the protocol.
 */
class RpcManagerBrokerTest {
    private static String node;
    private static ProtocolResponder responder;
    private static RpcManager rpc;

    @BeforeAll
    static void start() throws Exception {
        node = TestEndpoints.uniqueName("client_it");
        responder = new ProtocolResponder(node);
        rpc = RpcManager.connect(TestEndpoints.rabbit().uri());
    }

    @AfterAll
    static void stop() throws Exception {
        rpc.close();
        responder.close();
    }

    @Test
    void startFollowsLogLinesAndGetsTheResultOnce() throws Exception {
        TaskHandle h = rpc.timeout(10).taskStart(node, "ping", Map.of("param", "hi"));
        assertTrue(h.reply().isAccepted());
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        h.onEvent(events::add);
        TaskResult r = h.join();
        assertEquals(TaskStatus.SUCCEEDED, r.status());
        assertEquals(h.taskId(), r.taskId());
        Thread.sleep(200); // the second copy of the result (reply_to) has surely arrived by now
        // the line published before "accepted" arrived too: events come to reply_to, which exists before the request
        assertEquals(List.of("before accepted", "pong"),
                events.stream().filter(e -> e instanceof LogLine).map(e -> ((LogLine) e).message()).toList());
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(TaskEvent::seq).toList(), "the result exactly once");
        unbound(h);
    }

    /**
     * Nothing was bound for the task (its events came to reply_to), and it is no longer wanted for a reconnect
     * once the handle completed (that runs in the background).
     */
    private static void unbound(TaskHandle h) throws InterruptedException {
        String key = Wire.taskBinding(node, h.taskId());
        assertFalse(rpc.link().bound().contains(key), "no per-task binding on the first connection");
        for (int i = 0; i < 100 && rpc.link().bindings().contains(key); i++) {
            Thread.sleep(20);
        }
        assertFalse(rpc.link().bindings().contains(key), "not wanted after a reconnect once done");
    }

    @Test
    void theRequestCarriesThePropertiesOfTheProtocol() throws Exception {
        responder.starts.clear();
        String id = UUID.randomUUID().toString();
        long before = System.currentTimeMillis();
        rpc.timeout(Duration.ofSeconds(7)).onBehalfOf("alice").taskStart(node, "ping", Map.of(), id).join();
        ProtocolResponder.Received got = responder.starts.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        var p = got.props();
        assertEquals(TestEndpoints.rabbit().user(), p.getUserId());
        assertEquals(id, p.getMessageId());
        assertEquals(id, p.getCorrelationId());
        assertEquals(Wire.TYPE_TASK_START, p.getType());
        assertEquals(Wire.CONTENT_TYPE, p.getContentType());
        assertEquals(2, p.getDeliveryMode());
        assertNotNull(p.getReplyTo());
        long expiration = Long.parseLong(p.getExpiration());
        assertTrue(expiration > 6000 && expiration <= 7000, "expiration " + expiration);
        assertEquals(7000L, ((Number) p.getHeaders().get(Wire.HEADER_TIMEOUT_MS)).longValue());
        long sentAt = ((Number) p.getHeaders().get(Wire.HEADER_SENT_AT)).longValue();
        assertTrue(sentAt >= before && sentAt <= System.currentTimeMillis());
        assertEquals(1, ((Number) p.getHeaders().get(Wire.HEADER_VERSION)).intValue());
        assertEquals("alice", p.getHeaders().get(Wire.HEADER_ON_BEHALF_OF).toString());
        assertEquals(Boolean.TRUE, p.getHeaders().get(Wire.HEADER_EVENTS_TO_REPLY_TO));
        assertEquals(1, got.request().v());
        assertEquals(id, got.request().taskId());
        assertEquals("ping", got.request().task());
    }

    @Test
    void aMissingNodeIsReportedAtOnce() {
        String nowhere = TestEndpoints.uniqueName("no_node");
        long t0 = System.nanoTime();
        NoSuchNodeException e = assertThrows(NoSuchNodeException.class,
                () -> rpc.timeout(30).taskStart(nowhere, "ping", Map.of()));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "not after the timeout");
        assertEquals(nowhere, e.node());
        assertEquals("no_such_node", e.code());
        assertThrows(NoSuchNodeException.class, () -> rpc.timeout(30).status(nowhere, "x"));
    }

    @Test
    void rejectionCarriesTheCode() {
        TaskRejectedException e = assertThrows(TaskRejectedException.class,
                () -> rpc.timeout(10).taskStart(node, "reject_me", Map.of()));
        assertEquals("unauthorized", e.code());
        assertTrue(e.error().message().contains("may not run reject_me"));
        assertFalse(e.reply().isAccepted());
    }

    @Test
    void badParamsAreRefusedBeforeAnythingIsSent() {
        responder.starts.clear();
        ParamException e = assertThrows(ParamException.class,
                () -> rpc.taskStart(node, "restore_database", Map.of("param", "2025-05-20")));
        assertTrue(e.getMessage().contains("is not a backup id"));
        assertTrue(responder.starts.isEmpty());
    }

    @Test
    void noAnswerIsATimeout() {
        long t0 = System.nanoTime();
        TaskTimeoutException e = assertThrows(TaskTimeoutException.class,
                () -> rpc.timeout(Duration.ofMillis(800)).taskStart(node, "silent", Map.of()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 700 && ms < 3000, ms + " ms");
        assertEquals("timeout", e.code());
    }

    @Test
    void noResultWithinTheTimeoutEndsTheHandle() throws Exception {
        TaskHandle h = rpc.timeout(Duration.ofMillis(1500)).taskStart(node, "held", Map.of());
        assertThrows(TaskTimeoutException.class, h::join);
        assertTrue(h.result().isCompletedExceptionally());
        unbound(h);
        // the task is still known to the node: its state can be fetched later
        assertEquals(TaskStatus.RUNNING, rpc.status(node, h.taskId()).status());
    }

    @Test
    void failedAndPartialAreResultsNotExceptions() {
        assertEquals(TaskStatus.FAILED, rpc.timeout(10).taskStart(node, "fail_me", Map.of()).join().status());
        TaskResult partial = rpc.timeout(10).taskStart(node, "partial_me", Map.of()).join();
        assertEquals(TaskStatus.PARTIAL, partial.status());
        assertFalse(partial.succeeded());
        assertEquals("task_failed", partial.error().code());
    }

    @Test
    void aMissedLineIsFetchedWithLogs() {
        TaskHandle h = rpc.timeout(10).taskStart(node, "gappy", Map.of());
        List<String> lines = new CopyOnWriteArrayList<>();
        h.onLog(l -> lines.add(l.message()));
        h.join();
        assertEquals(List.of("one", "two", "three"), lines);
    }

    @Test
    void cancelReachesTheNodeAndTheResultFollows() {
        TaskHandle h = rpc.timeout(10).taskStart(node, "held", Map.of());
        TaskSummary s = h.cancel();
        assertTrue(s.cancelRequested());
        assertEquals(TaskStatus.CANCELLED, h.join().status());
    }

    @Test
    void theSameTaskIdSentAgainGetsTheCurrentStateAndResult() {
        String id = UUID.randomUUID().toString();
        TaskResult first = rpc.timeout(10).taskStart(node, "ping", Map.of(), id).join();
        TaskHandle again = rpc.timeout(10).taskStart(node, "ping", Map.of(), id);
        assertTrue(again.reply().duplicate());
        assertEquals(first.seq(), again.join().seq());
    }

    @Test
    void controlCalls() {
        TaskHandle h = rpc.timeout(10).taskStart(node, "ping", Map.of());
        h.join();
        assertEquals(TaskStatus.SUCCEEDED, rpc.status(node, h.taskId()).status());
        assertEquals(TaskStatus.SUCCEEDED, rpc.result(node, h.taskId()).orElseThrow().status());
        List<TaskEvent> logs = rpc.logs(node, h.taskId(), 2, 10);
        assertEquals(List.of(2L), logs.stream().map(TaskEvent::seq).toList());
        assertTrue(rpc.list(node, 50).stream().anyMatch(t -> t.taskId().equals(h.taskId())));
        assertTrue(rpc.tasks(node).stream().anyMatch(t -> t.name().equals("create_tables")));
        TaskRpcException e = assertThrows(TaskRpcException.class, () -> rpc.status(node, "no-such-id"));
        assertEquals("not_found", e.code());
        TaskHandle held = rpc.timeout(10).taskStart(node, "held", Map.of());
        assertTrue(rpc.result(node, held.taskId()).isEmpty());
        rpc.cancel(node, held.taskId());
        assertEquals(TaskStatus.CANCELLED, held.join().status());
    }

    @Test
    void manyThreadsShareOneManager() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<TaskResult>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                results.add(pool.submit(() -> rpc.timeout(20).taskStart(node, "ping", Map.of()).join()));
            }
            for (Future<TaskResult> f : results) {
                assertEquals(TaskStatus.SUCCEEDED, f.get(30, TimeUnit.SECONDS).status());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
