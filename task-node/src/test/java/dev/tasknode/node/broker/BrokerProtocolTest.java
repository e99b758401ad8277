package dev.tasknode.node.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.tasks.TaskNames.Control;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.messages.TaskSummary;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.ProtocolClient;
import dev.tasknode.node.support.TestTasks;
import dev.tasknode.testing.TestEndpoints;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

/** The node's side of docs/protocol.md against the real broker and database, with a bare amqp-client caller. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"tasknode.workers=2", "tasknode.auth.mutating-users=ops"})
@Import(TestTasks.class)
class BrokerProtocolTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final NodeTestSupport.Env ENV = NodeTestSupport.create("broker");
    static ProtocolClient client;

    @Autowired
    MeterRegistry meters;
    @Autowired
    dev.tasknode.node.store.TaskStore store;
    @Autowired
    dev.tasknode.node.config.NodeProperties nodeProps;

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

    @Test
    void pingIsAcceptedAndAnswered() throws Exception {
        ProtocolClient.Call call = client.start("ping", Map.of("param", "hello"));
        TaskReply reply = call.reply(WAIT);
        assertThat(reply.isAccepted()).isTrue();
        assertThat(reply.duplicate()).isFalse();
        assertThat(reply.taskId()).isEqualTo(call.taskId);
        TaskEvent log = ProtocolClient.event(call.next(WAIT, "log"));
        assertThat(((LogLine) log).message()).isEqualTo("ping: hello");
        assertThat(log.seq()).isEqualTo(1);
        // the result comes twice: as the last event and to reply_to; both carry the final seq
        Map<String, Object> first = call.next(WAIT, "result");
        Map<String, Object> second = call.next(WAIT, "result");
        assertThat(List.of(first.get("_amqp_type"), second.get("_amqp_type"))).containsOnly(Wire.TYPE_RESULT);
        TaskResult result = (TaskResult) ProtocolClient.event(first);
        assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(result.seq()).isEqualTo(2);
        assertThat(result.result().get("message").asString()).isEqualTo("hello");
        assertThat(second.get("seq")).isEqualTo(first.get("seq"));
        assertThat(second.get("_correlation_id")).isEqualTo(call.taskId);
    }

    @Test
    void logLinesStreamWhileTheTaskRunsAndAreKept() throws Exception {
        Instant before = Instant.now();
        ProtocolClient.Call call = client.start("sleep", Map.of("seconds", 2));
        assertThat(call.reply(WAIT).isAccepted()).isTrue();
        List<TaskEvent> live = new ArrayList<>();
        live.add(ProtocolClient.event(call.next(WAIT, "log", "progress")));
        Instant firstLine = Instant.now();
        TaskResult result;
        while (true) {
            Map<String, Object> m = call.next(WAIT, "log", "progress", "result");
            if ("result".equals(m.get("type"))) {
                result = (TaskResult) ProtocolClient.event(m);
                break;
            }
            live.add(ProtocolClient.event(m));
        }
        Instant end = Instant.now();
        assertThat(Duration.between(before, firstLine)).isLessThan(Duration.ofMillis(1500));
        assertThat(Duration.between(firstLine, end)).isGreaterThan(Duration.ofMillis(1500)); // lines came before the end
        assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
        for (int i = 0; i < live.size(); i++) {
            assertThat(live.get(i).seq()).isEqualTo(i + 1); // no gaps, in order
        }
        assertThat(result.seq()).isEqualTo(live.size() + 1);
        ControlReply logs = client.control(ControlRequest.logs(call.taskId, 1, 100));
        assertThat(logs.ok()).isTrue();
        assertThat(logs.events()).isEqualTo(live);
        ControlReply fromTwo = client.control(ControlRequest.logs(call.taskId, 2, 100));
        assertThat(fromTwo.events()).isEqualTo(live.subList(1, live.size()));
        ControlReply res = client.control(ControlRequest.of(Control.RESULT, call.taskId));
        assertThat(res.result().status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(res.result().summary()).isEqualTo("slept 2 s");
    }

    @Test
    void eventsComeToReplyToWhenAskedWithoutABinding() throws Exception {
        ProtocolClient.Call call = client.startWithEventsToReplyTo("sleep", Map.of("seconds", 1));
        List<TaskEvent> live = new ArrayList<>();
        TaskResult result = null;
        boolean accepted = false;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (result == null) {
            Map<String, Object> m = call.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())),
                    "accepted", "log", "progress", "result");
            assertThat(m.get("_correlation_id")).isEqualTo(call.taskId);
            switch ((String) m.get("type")) {
                case "accepted" -> accepted = true;
                case "result" -> result = (TaskResult) ProtocolClient.event(m);
                default -> live.add(ProtocolClient.event(m));
            }
        }
        assertThat(accepted).isTrue();
        assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(live).isNotEmpty();
        assertThat(live.stream().map(TaskEvent::seq).toList())
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, live.size()).boxed().toList());
        assertThat(result.seq()).isEqualTo(live.size() + 1);
        assertThat(client.control(ControlRequest.logs(call.taskId, 1, 100)).events()).isEqualTo(live);
        // nothing is bound, so the result came once (reply_to only)
        assertThat(call.inbox.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void invalidParamsAreRejectedAndNothingIsRecorded() throws Exception {
        ProtocolClient.Call call = client.start("sleep", Map.of("param", "forever"));
        TaskReply reply = call.reply(WAIT);
        assertThat(reply.isAccepted()).isFalse();
        assertThat(reply.error().code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(reply.error().message()).contains("'param'", "forever", "0 to 3600");
        assertThat(client.control(ControlRequest.of(Control.STATUS, call.taskId)).error().code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(meters.counter("tasknode.requests.rejected", "reason", "invalid_params").count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void unknownTaskIsRejected() throws Exception {
        TaskReply reply = client.start("drop_everything", Map.of()).reply(WAIT);
        assertThat(reply.error().code()).isEqualTo(ErrorCode.UNKNOWN_TASK);
        assertThat(reply.error().message()).contains("ping", "sleep");
    }

    @Test
    void requestWithoutUserIdIsUnauthorized() throws Exception {
        int before = TestTasks.COUNTED.get();
        ProtocolClient.Call call = client.start(UUID.randomUUID().toString(), "test_count", Map.of(), p -> p.put("user_id", null));
        TaskReply reply = call.reply(WAIT);
        assertThat(reply.error().code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(reply.error().message()).contains("user_id");
        assertThat(TestTasks.COUNTED.get()).isEqualTo(before);
    }

    @Test
    void dataChangingTaskNeedsAnAllowedUser() throws Exception {
        TaskReply reply = client.start("test_mutate", Map.of()).reply(WAIT);
        assertThat(reply.error().code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(reply.error().message()).contains("'" + client.user() + "'", "test_mutate");
    }

    @Test
    void expiredRequestNeverStarts() throws Exception {
        int before = TestTasks.COUNTED.get();
        ProtocolClient.Call call = client.start(UUID.randomUUID().toString(), "test_count", Map.of(),
                p -> p.put(Wire.HEADER_SENT_AT, System.currentTimeMillis() - 120_000));
        TaskReply reply = call.reply(WAIT);
        assertThat(reply.error().code()).isEqualTo(ErrorCode.EXPIRED);
        assertThat(reply.status()).isEqualTo(TaskStatus.EXPIRED);
        Thread.sleep(300);
        assertThat(TestTasks.COUNTED.get()).isEqualTo(before);
        assertThat(client.control(ControlRequest.of(Control.STATUS, call.taskId)).ok()).isFalse();
    }

    /** A retry after a reconnect keeps its x-sent-at: past the deadline it must still get the run's state. */
    @Test
    void aKnownTaskIdPastItsDeadlineGetsTheStateNotExpired() throws Exception {
        String id = UUID.randomUUID().toString();
        ProtocolClient.Call first = client.start(id, "ping", Map.of(), p -> {});
        assertThat(first.result(WAIT).status()).isEqualTo(TaskStatus.SUCCEEDED);
        ProtocolClient.Call retry = client.start(id, "ping", Map.of(),
                p -> p.put(Wire.HEADER_SENT_AT, System.currentTimeMillis() - 120_000));
        TaskReply reply = retry.reply(WAIT);
        assertThat(reply.isAccepted()).isTrue();
        assertThat(reply.duplicate()).isTrue();
        assertThat(reply.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(retry.result(WAIT).taskId()).isEqualTo(id);
    }

    @Test
    void aDuplicateIsAnsweredAtOnceWhileEveryWorkerIsBusy() throws Exception {
        String id = UUID.randomUUID().toString();
        ProtocolClient.Call busy1 = client.start(id, "test_count", Map.of("ms", 2500), p -> {});
        ProtocolClient.Call busy2 = client.start("test_count", Map.of("ms", 2500));
        assertThat(busy1.reply(WAIT).isAccepted()).isTrue();
        assertThat(busy2.reply(WAIT).isAccepted()).isTrue(); // tasknode.workers = 2: both busy now
        long t0 = System.nanoTime();
        TaskReply dup = client.start(id, "test_count", Map.of("ms", 2500), p -> {}).reply(WAIT);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
        assertThat(dup.duplicate()).isTrue();
        assertThat(dup.status()).isIn(TaskStatus.ACCEPTED, TaskStatus.RUNNING);
        assertThat(busy1.result(WAIT).status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(busy2.result(WAIT).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void theSameTaskIdDeliveredTwiceRunsOnce() throws Exception {
        int before = TestTasks.COUNTED.get();
        String id = UUID.randomUUID().toString();
        ProtocolClient.Call first = client.start(id, "test_count", Map.of("ms", 1500), p -> {});
        assertThat(first.reply(WAIT).duplicate()).isFalse();
        // a retry of the same request while it runs (new answer queue, as after a client reconnect)
        ProtocolClient.Call retry = client.start(id, "test_count", Map.of("ms", 1500), p -> {});
        TaskReply dup = retry.reply(WAIT);
        assertThat(dup.isAccepted()).isTrue();
        assertThat(dup.duplicate()).isTrue();
        assertThat(dup.status()).isIn(TaskStatus.ACCEPTED, TaskStatus.RUNNING);
        assertThat(first.result(WAIT).status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(retry.result(WAIT).status()).isEqualTo(TaskStatus.SUCCEEDED);
        // once finished, a third delivery gets the final state and the result at once
        ProtocolClient.Call late = client.start(id, "test_count", Map.of("ms", 1500), p -> {});
        TaskReply lateReply = late.reply(WAIT);
        assertThat(lateReply.duplicate()).isTrue();
        assertThat(lateReply.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(late.result(WAIT).result().get("run").asInt()).isEqualTo(before + 1);
        assertThat(TestTasks.COUNTED.get()).isEqualTo(before + 1);
    }

    /**
     * The record commits before the run is marked started; if marking fails (database gone for a moment) the
     * request returns to the broker. Its redelivery must run the task, not answer "accepted" for a run that
     * nothing executes: simulated with a record of this process that is not running.
     */
    @Test
    void aRecordedRunWhoseStartFailedIsTakenOverByTheRedelivery() throws Exception {
        int before = TestTasks.COUNTED.get();
        String id = UUID.randomUUID().toString();
        assertThat(store.insert(id, ENV.nodeName(), "test_count", Map.of("ms", 10), "guest", nodeProps.getInstanceId(),
                null)).isTrue();
        ProtocolClient.Call redelivered = client.start(id, "test_count", Map.of("ms", 10), p -> {});
        TaskReply reply = redelivered.reply(WAIT);
        assertThat(reply.isAccepted()).isTrue();
        assertThat(reply.duplicate()).isFalse();
        assertThat(redelivered.result(WAIT).status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(TestTasks.COUNTED.get()).isEqualTo(before + 1);
    }

    @Test
    void reusingATaskIdForAnotherTaskIsAConflict() throws Exception {
        String id = UUID.randomUUID().toString();
        ProtocolClient.Call first = client.start(id, "ping", Map.of(), p -> {});
        first.result(WAIT);
        TaskReply reply = client.start(id, "sleep", Map.of("seconds", 1), p -> {}).reply(WAIT);
        assertThat(reply.error().code()).isEqualTo(ErrorCode.CONFLICT);
    }

    @Test
    void cancelStopsARunningTask() throws Exception {
        ProtocolClient.Call call = client.start("sleep", Map.of("seconds", 60));
        call.next(WAIT, "log");
        Instant asked = Instant.now();
        ControlReply cancel = client.control(ControlRequest.of(Control.CANCEL, call.taskId));
        assertThat(cancel.ok()).isTrue();
        assertThat(cancel.task().cancelRequested()).isTrue();
        TaskResult result = call.result(WAIT);
        assertThat(result.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(result.error().code()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(3));
        ControlReply again = client.control(ControlRequest.of(Control.CANCEL, call.taskId));
        assertThat(again.error().code()).isEqualTo(ErrorCode.CONFLICT);
    }

    @Test
    void partialFailureIsNeverSuccess() throws Exception {
        TaskResult result = client.start("test_partial", Map.of()).result(WAIT);
        assertThat(result.status()).isEqualTo(TaskStatus.PARTIAL);
        assertThat(result.error().code()).isEqualTo(ErrorCode.TASK_FAILED);
        assertThat(result.result().get("failed").get(0).asString()).isEqualTo("p_2");
    }

    @Test
    void typedAndPrototypeParamsReachTheTaskNormalized() throws Exception {
        assertThat(client.start("test_scope", Map.of("param", "project_42")).result(WAIT).summary()).isEqualTo("42");
        assertThat(client.start("test_scope", Map.of("scope", "shared")).result(WAIT).summary()).isEqualTo("shared");
        assertThat(client.start("test_scope", Map.of()).result(WAIT).summary()).isEqualTo("all");
    }

    @Test
    void workerPoolBoundsConcurrencyAndExcessWaitsInTheBroker() throws Exception {
        List<ProtocolClient.Call> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(client.start("test_count", Map.of("ms", 800)));
        }
        List<TaskSummary> runs = new ArrayList<>();
        for (ProtocolClient.Call c : calls) {
            assertThat(c.result(Duration.ofSeconds(30)).status()).isEqualTo(TaskStatus.SUCCEEDED);
            runs.add(client.control(ControlRequest.of(Control.STATUS, c.taskId)).task());
        }
        // at no instant did more than 2 (tasknode.workers) run at once
        for (TaskSummary a : runs) {
            long overlapping = runs.stream().filter(b -> b.startedAt().compareTo(a.startedAt()) <= 0
                    && b.finishedAt().isAfter(a.startedAt())).count();
            assertThat(overlapping).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void controlCallsListAndDescribe() throws Exception {
        ProtocolClient.Call call = client.start("ping", Map.of());
        call.result(WAIT);
        ControlReply list = client.control(ControlRequest.list(10));
        assertThat(list.tasks()).extracting(TaskSummary::taskId).contains(call.taskId);
        assertThat(list.tasks().getFirst().createdAt()).isAfterOrEqualTo(list.tasks().getLast().createdAt());
        ControlReply tasks = client.control(ControlRequest.of(Control.TASKS, null));
        assertThat(tasks.specs()).extracting(s -> s.name()).contains("ping", "sleep", "test_mutate");
        ControlReply status = client.control(ControlRequest.of(Control.STATUS, call.taskId));
        assertThat(status.task().requestedBy()).isEqualTo(client.user());
        assertThat(status.task().status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(client.control(ControlRequest.of("explode", null)).error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(client.control(ControlRequest.of(Control.STATUS, "nope")).error().code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void malformedBodyGetsBadRequest() throws Exception {
        ProtocolClient.Call call = client.start(UUID.randomUUID().toString(), "ping", Map.of(),
                p -> p.put("body", "not json".getBytes()));
        TaskReply reply = call.reply(WAIT);
        assertThat(reply.error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void durationIsTimedByTaskAndOutcome() throws Exception {
        client.start("ping", Map.of()).result(WAIT);
        assertThat(meters.find("tasknode.task.duration").tags("task", "ping", "outcome", "succeeded").timer())
                .isNotNull()
                .satisfies(t -> assertThat(t.count()).isGreaterThanOrEqualTo(1));
    }
}
