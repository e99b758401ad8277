package dev.tasknode.node.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.messages.ProgressEvent;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.testing.TestEndpoints;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * A task's events reach a caller in the order they were published — log line, progress, log line, … — on the
 * events exchange and on a reply queue, while other tasks publish at the same time. The broker keeps order only
 * per channel, so the publisher sends everything on one channel.
 */
class PublisherOrderTest {
    static final int TASKS = 8;
    static final int EVENTS = 1500;

    @Test
    void eventsOfATaskArriveInPublishOrderUnderConcurrentPublishing() throws Exception {
        TestEndpoints.Rabbit r = TestEndpoints.rabbit();
        String node = TestEndpoints.uniqueName("tnrel_order");
        CachingConnectionFactory cf = new CachingConnectionFactory(r.host(), r.port());
        cf.setUsername(r.user());
        cf.setPassword(r.password());
        NodeProperties props = new NodeProperties();
        props.setNodeName(node);
        Publisher publisher = new Publisher(cf, props);

        ConnectionFactory f = new ConnectionFactory();
        f.setUri(r.uri());
        try (Connection c = f.newConnection("publisher-order-test"); Channel ch = c.createChannel()) {
            ch.exchangeDeclare(Wire.EVENTS_EXCHANGE, "topic", true);
            String events = ch.queueDeclare("", false, true, true, null).getQueue();
            ch.queueBind(events, Wire.EVENTS_EXCHANGE, node + ".#");
            String replies = ch.queueDeclare("", false, true, true, null).getQueue();
            Map<String, List<Long>> viaExchange = new ConcurrentHashMap<>();
            Map<String, List<Long>> viaReplyTo = new ConcurrentHashMap<>();
            AtomicInteger received = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(1);
            for (var q : List.of(Map.entry(events, viaExchange), Map.entry(replies, viaReplyTo))) {
                ch.basicConsume(q.getKey(), true, (tag, d) -> {
                    TaskEvent e = Json.read(d.getBody(), TaskEvent.class);
                    q.getValue().computeIfAbsent(e.taskId(), k -> new CopyOnWriteArrayList<>()).add(e.seq());
                    if (received.incrementAndGet() == 2 * TASKS * EVENTS) {
                        all.countDown();
                    }
                }, tag -> {});
            }
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < TASKS; t++) {
                String taskId = "task-" + t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (long seq = 1; seq <= EVENTS; seq++) {
                        TaskEvent e = seq % 2 == 0 ? ProgressEvent.of(taskId, seq, Instant.now(), seq, EVENTS, "p")
                                : LogLine.of(taskId, seq, Instant.now(), "INFO", "line " + seq);
                        publisher.event(e); // as TaskRunner.emit does: the exchange, then the reply queue
                        publisher.eventTo(replies, e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(all.await(60, TimeUnit.SECONDS)).as("every event arrived (" + received.get() + ")").isTrue();
            for (Map<String, List<Long>> got : List.of(viaExchange, viaReplyTo)) {
                assertThat(got).hasSize(TASKS);
                got.forEach((task, seqs) -> {
                    for (int i = 0; i < seqs.size(); i++) {
                        assertThat(seqs.get(i)).as(task + " event #" + (i + 1)).isEqualTo(i + 1L);
                    }
                });
            }
        } finally {
            cf.destroy();
        }
    }
}
