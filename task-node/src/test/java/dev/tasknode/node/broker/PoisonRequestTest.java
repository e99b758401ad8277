package dev.tasknode.node.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskRequest;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.store.TaskStore;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.ProtocolClient;
import dev.tasknode.node.support.TestTasks;
import dev.tasknode.testing.TestEndpoints;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 11: requests that could never be processed. Each gets one outcome — an answer, or a record on
 * {@code <node>.dead} — and none goes back to the queue to be tried forever.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {"tasknode.workers=2"})
@Import(TestTasks.class)
class PoisonRequestTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final NodeTestSupport.Env ENV = NodeTestSupport.create("tnrel_poison");
    static ProtocolClient client;

    @Autowired
    MeterRegistry meters;
    @Autowired
    TaskStore store;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        NodeTestSupport.register(r, ENV);
    }

    @BeforeAll
    static void connect() throws Exception {
        client = new ProtocolClient(ENV.nodeName());
    }

    @AfterAll
    static void cleanup() throws Exception {
        client.deleteNodeQueues();
        client.close();
        TestEndpoints.dropDatabaseLater(ENV.database());
    }

    private ProtocolClient.Call withBody(String correlationId, byte[] body) throws Exception {
        return client.start(correlationId, "ping", Map.of(), p -> p.put("body", body));
    }

    private double dead(String reason) {
        var c = meters.find("tasknode.requests.dead.lettered").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aNullBodyIsABadRequestAnsweredOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        ProtocolClient.Call call = withBody(id, "null".getBytes());
        TaskReply reply = call.reply(WAIT);
        assertThat(reply.error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(reply.error().message()).contains("JSON object");
        Thread.sleep(1500);
        assertThat(call.inbox).as("answered once, not redelivered").isEmpty();
        assertThat(client.depth("")).isZero();
    }

    @Test
    void aNulInAParameterIsInvalidParamsAndNothingIsRecorded() throws Exception {
        String id = UUID.randomUUID().toString();
        ProtocolClient.Call call = client.start(id, "ping", Map.of("message", "a\u0000b"), p -> {});
        TaskReply reply = call.reply(WAIT);
        assertThat(reply.error().code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(reply.error().message()).contains("NUL").doesNotContain("\u0000");
        assertThat(store.find(id)).isEmpty();
        Thread.sleep(1500);
        assertThat(call.inbox).isEmpty();
    }

    @Test
    void aRequestWithoutReplyToIsDeadLetteredWithItsReasonAndNeverRuns() throws Exception {
        double before = dead(DeadLetters.NO_REPLY_TO);
        String id = UUID.randomUUID().toString();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType(Wire.CONTENT_TYPE)
                .correlationId(id).userId(client.user()).type(Wire.TYPE_TASK_START).build();
        client.publishRaw(false, props, Json.write(TaskRequest.of(id, "ping", Map.of("message", "x"))));
        GetResponse r = client.nextDead(WAIT);
        assertThat(r).as("a record on " + ENV.nodeName() + ".dead").isNotNull();
        Map<String, Object> h = r.getProps().getHeaders();
        assertThat(h.get(DeadLetters.HEADER_REASON).toString()).isEqualTo(DeadLetters.NO_REPLY_TO);
        assertThat(h.get(DeadLetters.HEADER_USER).toString()).isEqualTo(client.user());
        assertThat(r.getProps().getCorrelationId()).isEqualTo(id);
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).contains(id);
        assertThat(store.find(id)).as("nothing ran").isEmpty();
        assertThat(dead(DeadLetters.NO_REPLY_TO)).isEqualTo(before + 1);
        // control calls the same way
        client.publishRaw(true, props, "{\"op\":\"list\"}".getBytes());
        GetResponse control = client.nextDead(WAIT);
        assertThat(control).isNotNull();
        assertThat(control.getProps().getHeaders().get(DeadLetters.HEADER_QUEUE).toString())
                .isEqualTo(Wire.controlQueue(ENV.nodeName()));
    }

    @Test
    void aRequestThatFailsEveryTimeIsDeadLetteredAfterAFewAttemptsAndTheCallerIsTold() throws Exception {
        // PostgreSQL refuses this request's row on every attempt, as it refused a NUL before issue 11
        try (Connection c = DriverManager.getConnection(ENV.jdbcUrl(), TestEndpoints.postgres().user(),
                TestEndpoints.postgres().password()); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE tasknode.task_run ADD CONSTRAINT tnrel_poison CHECK (task_id NOT LIKE 'poison-%')");
        }
        try {
            double before = dead(DeadLetters.FAILED);
            String id = "poison-" + UUID.randomUUID();
            ProtocolClient.Call call = client.start(id, "ping", Map.of(), p -> {});
            TaskReply reply = call.reply(WAIT);
            assertThat(reply.isAccepted()).isFalse();
            assertThat(reply.error().code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(reply.error().message()).contains(".dead");
            GetResponse r = client.nextDead(WAIT);
            assertThat(r).isNotNull();
            assertThat(r.getProps().getHeaders().get(DeadLetters.HEADER_REASON).toString()).isEqualTo(DeadLetters.FAILED);
            assertThat(r.getProps().getExpiration()).as("the request's TTL is not the record's").isNull();
            assertThat(r.getProps().getHeaders().get(DeadLetters.HEADER_DETAIL).toString()).contains("tnrel_poison");
            assertThat(dead(DeadLetters.FAILED)).isEqualTo(before + 1);
            Thread.sleep(2000);
            assertThat(client.depth("")).as("not back on the queue").isZero();
            assertThat(call.inbox).as("one outcome only").isEmpty();
        } finally {
            try (Connection c = DriverManager.getConnection(ENV.jdbcUrl(), TestEndpoints.postgres().user(),
                    TestEndpoints.postgres().password()); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE tasknode.task_run DROP CONSTRAINT tnrel_poison");
            }
        }
    }

    @Test
    void badHeadersAreRefused() throws Exception {
        ProtocolClient.Call abc = client.start(UUID.randomUUID().toString(), "ping", Map.of(),
                p -> p.put(Wire.HEADER_TIMEOUT_MS, "abc"));
        TaskReply r1 = abc.reply(WAIT);
        assertThat(r1.error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(r1.error().message()).contains(Wire.HEADER_TIMEOUT_MS);
        ProtocolClient.Call future = client.start(UUID.randomUUID().toString(), "ping", Map.of(),
                p -> p.put(Wire.HEADER_SENT_AT, System.currentTimeMillis() + 86_400_000L));
        TaskReply r2 = future.reply(WAIT);
        assertThat(r2.error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(r2.error().message()).contains("ahead of the node's clock");
    }

    @Test
    void aMissingTaskIsABadRequest() throws Exception {
        String id = UUID.randomUUID().toString();
        TaskReply reply = withBody(id, ("{\"v\":1,\"task_id\":\"" + id + "\",\"task\":null}").getBytes()).reply(WAIT);
        assertThat(reply.error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(reply.taskId()).isEqualTo(id);
    }

    @Test
    void aHugeTaskIdIsRefusedPromptlyAndShortly() throws Exception {
        String corr = UUID.randomUUID().toString();
        String body = "{\"v\":1,\"task_id\":\"" + "a".repeat(10_000) + "\",\"task\":\"ping\"}";
        long t0 = System.nanoTime();
        ProtocolClient.Call call = withBody(corr, body.getBytes());
        TaskReply reply = call.reply(Duration.ofSeconds(4));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        assertThat(reply.error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(reply.error().message()).contains("(10,000 characters)").hasSizeLessThan(400);
        assertThat(reply.taskId()).isNull();
    }

    @Test
    void hugeEchoesAreShortAndNumbersOutside64BitsAreSaidToBe() throws Exception {
        ProtocolClient.Call scope = client.start(UUID.randomUUID().toString(), "schema_status",
                Map.of("scope", "s".repeat(1_048_576)), p -> {});
        TaskReply r = scope.reply(WAIT);
        assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(r.error().message()).contains("(1,048,576 characters)").hasSizeLessThan(600);
        String id = UUID.randomUUID().toString();
        TaskReply big = withBody(id, ("{\"v\":1,\"task_id\":\"" + id
                + "\",\"task\":\"sleep\",\"params\":{\"seconds\":9223372036854775808}}").getBytes()).reply(WAIT);
        assertThat(big.error().code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(big.error().message()).contains("9223372036854775808 is outside the 64-bit range");
        assertThat(store.find(id)).isEmpty();
    }

    @Test
    void aGoodRequestStillRuns() throws Exception {
        assertThat(client.start("ping", Map.of("message", "ok")).result(WAIT).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }
}
