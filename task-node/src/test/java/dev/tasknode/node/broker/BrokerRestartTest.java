package dev.tasknode.node.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.tasks.TaskNames.Control;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.support.NodeProcess;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.ProtocolClient;
import dev.tasknode.testing.TestEndpoints;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The broker restarts while a task runs: the task still finishes, its result is recorded, a caller that
 * reconnects gets it by query, and the node goes on taking requests. The restart command defaults to the
 * local rabbitmqctl; TASKNODE_TEST_BROKER_RESTART overrides it for a broker elsewhere.
 */
class BrokerRestartTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aTaskRunningAcrossABrokerRestartStillDeliversItsResult() throws Exception {
        NodeTestSupport.Env env = NodeTestSupport.create("restart");
        try (NodeProcess node = NodeProcess.start(env, "survivor")) {
            try (ProtocolClient client = new ProtocolClient(env.nodeName())) {
                ProtocolClient.Call call = client.start("sleep", Map.of("seconds", 8));
                assertThat(call.reply(WAIT).isAccepted()).isTrue();
                call.next(WAIT, "log");
                lastTaskId = call.taskId;
                restartBroker();
            } catch (com.rabbitmq.client.AlreadyClosedException closingADeadConnection) {
                // the old connection died with the broker; closing it may complain
            }
            try (ProtocolClient again = connectWithin(Duration.ofSeconds(60), env.nodeName())) {
                ControlReply reply = null;
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < end) {
                    try {
                        reply = again.control(ControlRequest.of(Control.RESULT, lastTaskId));
                        if (reply.ok() && reply.result() != null) {
                            break;
                        }
                    } catch (AssertionError noAnswerYet) {
                        // the node's listener is still reconnecting
                    }
                    Thread.sleep(500);
                }
                assertThat(reply).isNotNull();
                assertThat(reply.result()).as("result after the restart").isNotNull();
                assertThat(reply.result().status()).isEqualTo(TaskStatus.SUCCEEDED);
                assertThat(again.start("ping", Map.of()).result(WAIT).status()).isEqualTo(TaskStatus.SUCCEEDED);
                again.deleteNodeQueues();
            }
        } finally {
            TestEndpoints.dropDatabaseLater(env.database());
        }
    }

    private static volatile String lastTaskId;

    private static void restartBroker() throws Exception {
        String cmd = System.getenv().getOrDefault("TASKNODE_TEST_BROKER_RESTART",
                "rabbitmqctl stop_app && rabbitmqctl start_app && rabbitmqctl await_startup");
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError("could not restart the broker with '" + cmd + "' (set TASKNODE_TEST_BROKER_RESTART"
                    + " for a broker that is not local):\n" + out);
        }
    }

    private static ProtocolClient connectWithin(Duration wait, String node) throws Exception {
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return new ProtocolClient(node);
            } catch (Exception e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
