package dev.tasknode.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.testing.TcpProxy;
import dev.tasknode.testing.TestEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection loss and reconnect, on the real broker. The client connects through {@link TcpProxy}, which the
 * test cuts as a network failure or broker restart would; the "node" is {@link ProtocolResponder} (a
 * stand-in answering per docs/protocol.md, on its own direct connection, so it keeps working meanwhile).
 */
class ReconnectTest {
    private String node;
    private ProtocolResponder responder;
    private TcpProxy proxy;
    private RpcManager rpc;

    @BeforeEach
    void start() throws Exception {
        node = TestEndpoints.uniqueName("client_reconnect");
        responder = new ProtocolResponder(node);
        TestEndpoints.Rabbit r = TestEndpoints.rabbit();
        proxy = new TcpProxy(r.host(), r.port());
        rpc = RpcManager.connect("amqp://" + r.user() + ":" + r.password() + "@127.0.0.1:" + proxy.port());
    }

    @AfterEach
    void stop() throws Exception {
        rpc.close();
        proxy.close();
        responder.close();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    private void disconnect() throws InterruptedException {
        proxy.refuse(true);
        proxy.cut();
        await(() -> !rpc.isConnected(), "the client noticing the loss");
    }

    @Test
    void aResultPublishedWhileDisconnectedIsQueriedAfterTheReconnect() throws Exception {
        TaskHandle h = rpc.timeout(30).taskStart(node, "held", Map.of());
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        h.onEvent(events::add);
        ProtocolResponder.Run run = responder.runs.get(h.taskId());
        responder.log(run, "before the loss", true);
        await(() -> events.size() == 1, "the first line");
        String queueBefore = rpc.link().queue();

        disconnect();
        responder.log(run, "while away", true); // lost: the answer queue went with the connection
        responder.finish(run, TaskStatus.SUCCEEDED, true); // lost as well, on both routes
        assertFalse(h.isDone());
        proxy.refuse(false);

        TaskResult r = h.join();
        assertEquals(TaskStatus.SUCCEEDED, r.status());
        assertNotEquals(queueBefore, rpc.link().queue(), "a new answer queue");
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(TaskEvent::seq).toList(),
                "the missed line was fetched with logs, before the result");
    }

    @Test
    void eventsAfterTheReconnectArriveLiveThroughTheRestoredBinding() throws Exception {
        TaskHandle h = rpc.timeout(30).taskStart(node, "held", Map.of());
        List<String> lines = new CopyOnWriteArrayList<>();
        h.onLog(l -> lines.add(l.message()));
        disconnect();
        proxy.refuse(false);
        await(rpc::isConnected, "the reconnect");
        ProtocolResponder.Run run = responder.runs.get(h.taskId());
        responder.log(run, "after the reconnect", true);
        await(() -> lines.size() == 1, "the live line");
        responder.finish(run, TaskStatus.SUCCEEDED, true);
        assertEquals(TaskStatus.SUCCEEDED, h.join().status());
        assertEquals(List.of("after the reconnect"), lines);
    }

    @Test
    void aStartWaitingForItsAnswerIsSentAgainAfterTheReconnect() throws Exception {
        disconnect();
        // sent while the broker is away: waits for the connection within the call's timeout
        CompletableFuture<TaskResult> f = CompletableFuture.supplyAsync(
                () -> rpc.timeout(Duration.ofSeconds(20)).taskStart(node, "ping", Map.of()).join());
        Thread.sleep(500);
        assertFalse(f.isDone());
        proxy.refuse(false);
        assertEquals(TaskStatus.SUCCEEDED, f.get(20, TimeUnit.SECONDS).status());
        assertTrue(rpc.status(node, f.get().taskId()).status().terminal(), "control calls work again");
    }

    @Test
    void aCallGivesUpWhenTheBrokerStaysAway() throws Exception {
        disconnect();
        long t0 = System.nanoTime();
        TaskTimeoutException e = org.junit.jupiter.api.Assertions.assertThrows(TaskTimeoutException.class,
                () -> rpc.timeout(Duration.ofSeconds(1)).status(node, "x"));
        assertTrue(e.getMessage().contains("not connected"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
    }
}
