package dev.tasknode.node.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.ProtocolClient;
import dev.tasknode.testing.TcpProxy;
import dev.tasknode.testing.TestEndpoints;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 11 fault test: the node's broker connection is cut (a TCP proxy the test controls, in front of the real
 * RabbitMQ) while a task runs. The caller, connected directly, still gets the task's result on its reply queue,
 * and the node takes the next request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class BrokerCutTest {
    static final NodeTestSupport.Env ENV = NodeTestSupport.create("tnrel_brokercut");
    static final TcpProxy PROXY;

    static {
        try {
            TestEndpoints.Rabbit r = TestEndpoints.rabbit();
            PROXY = new TcpProxy(r.host(), r.port());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        NodeTestSupport.register(r, ENV);
        r.add("spring.rabbitmq.host", () -> "127.0.0.1");
        r.add("spring.rabbitmq.port", PROXY::port);
    }

    @AfterAll
    static void cleanup() throws Exception {
        try (ProtocolClient c = new ProtocolClient(ENV.nodeName())) {
            c.deleteNodeQueues();
        }
        PROXY.close();
        TestEndpoints.dropDatabaseLater(ENV.database());
    }

    @Test
    void theResultOfATaskRunningAcrossACutConnectionReachesTheCaller() throws Exception {
        try (ProtocolClient client = new ProtocolClient(ENV.nodeName())) {
            ProtocolClient.Call call = client.startWithEventsToReplyTo("sleep", Map.of("seconds", 4));
            assertThat(call.reply(Duration.ofSeconds(30)).isAccepted()).isTrue();
            call.next(Duration.ofSeconds(15), "log");
            PROXY.cut(); // every connection of the node: its listeners' and its publisher's
            TaskResult result = call.result(Duration.ofSeconds(60));
            assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(result.taskId()).isEqualTo(call.taskId);
            // and the node consumes again
            assertThat(client.start("ping", Map.of()).result(Duration.ofSeconds(60)).status()).isEqualTo(TaskStatus.SUCCEEDED);
        }
    }
}
