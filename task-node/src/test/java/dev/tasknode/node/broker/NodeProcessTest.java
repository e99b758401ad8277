package dev.tasknode.node.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.TaskNames.Control;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.support.NodeProcess;
import dev.tasknode.node.support.NodeProcesses;
import dev.tasknode.node.support.ProtocolClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nodes as real processes: crash, graceful stop, several replicas on one queue. */
class NodeProcessTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    NodeProcesses nodes;
    ProtocolClient client;

    @BeforeEach
    void setUp() {
        nodes = new NodeProcesses("proc");
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    private NodeProcess node(String instance, String... args) throws Exception {
        NodeProcess n = nodes.start(instance, args);
        client = nodes.client();
        return n;
    }

    @Test
    void afterKillDashNineTheRestartedNodeReportsTheTaskInterrupted() throws Exception {
        NodeProcess first = node("first");
        ProtocolClient.Call call = client.start("sleep", Map.of("seconds", 60));
        assertThat(call.reply(WAIT).isAccepted()).isTrue();
        call.next(WAIT, "log");
        call.next(WAIT, "log"); // one second later: the first line is stored (events are written every 100 ms)
        first.kill9();
        node("second"); // same queue, same database, a new process
        TaskResult result = call.result(WAIT); // published by the successor when it found the orphan
        assertThat(result.status()).isEqualTo(TaskStatus.INTERRUPTED);
        ControlReply status = client.control(ControlRequest.of(Control.STATUS, call.taskId));
        assertThat(status.task().status()).isEqualTo(TaskStatus.INTERRUPTED);
        assertThat(status.task().finishedAt()).isNotNull();
        // the lines logged before the crash are still there
        assertThat(client.control(ControlRequest.logs(call.taskId, 1, 10)).events())
                .anySatisfy(e -> assertThat(e.toString()).contains("sleeping 60 s"));
    }

    @Test
    void twoReplicasOnOneQueueRunEachTaskOnce() throws Exception {
        node("a");
        node("b");
        List<ProtocolClient.Call> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ProtocolClient.Call c = client.start("sleep", Map.of("seconds", 1));
            // every request delivered twice, as a retrying client would: the copies may reach different replicas
            client.publish(c.taskId, "sleep", Map.of("seconds", 1), c.queue, p -> {});
            calls.add(c);
        }
        for (ProtocolClient.Call c : calls) {
            assertThat(c.result(Duration.ofSeconds(60)).status()).isEqualTo(TaskStatus.SUCCEEDED);
        }
        Map<String, Integer> byInstance = new HashMap<>();
        try (Connection c = nodes.connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT r.instance_id, (SELECT count(*) FROM tasknode.task_event e WHERE e.task_id = r.task_id"
                             + " AND e.message = 'sleeping 1 s') AS starts FROM tasknode.task_run r")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                assertThat(rs.getInt("starts")).as("each task started exactly once").isEqualTo(1);
                byInstance.merge(rs.getString("instance_id"), 1, Integer::sum);
            }
            assertThat(rows).isEqualTo(16);
        }
        assertThat(byInstance.keySet()).as("both replicas took work").containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void gracefulStopLetsShortTasksFinishAndRecordsTheRestAsInterrupted() throws Exception {
        NodeProcess n = node("graceful", "--tasknode.shutdown-grace=3s");
        ProtocolClient.Call shortOne = client.start("sleep", Map.of("seconds", 1));
        ProtocolClient.Call longOne = client.start("sleep", Map.of("seconds", 60));
        shortOne.next(WAIT, "log");
        longOne.next(WAIT, "log");
        n.terminate(Duration.ofSeconds(40));
        assertThat(shortOne.result(WAIT).status()).isEqualTo(TaskStatus.SUCCEEDED);
        TaskResult interrupted = longOne.result(WAIT);
        assertThat(interrupted.status()).isEqualTo(TaskStatus.INTERRUPTED);
        assertThat(interrupted.error().code()).isEqualTo(ErrorCode.INTERRUPTED);
        // a new node answers for the stored record: nothing is left "running"
        node("after");
        ControlReply status = client.control(ControlRequest.of(Control.STATUS, longOne.taskId));
        assertThat(status.task().status()).isEqualTo(TaskStatus.INTERRUPTED);
    }
}
