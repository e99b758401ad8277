package dev.tasknode.node.broker;

import dev.tasknode.contracts.Wire;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.run.Liveness;
import dev.tasknode.node.run.TaskRunner;
import dev.tasknode.node.store.TaskStore;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Starts and stops the node in the right order. Start: take the liveness lock, mark runs of dead processes
 * interrupted, then consume. Stop: stop taking requests, let running tasks finish within the grace period
 * (the rest end as interrupted), keep answering control calls until the end.
 */
@Component
public class TaskNodeLifecycle implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(TaskNodeLifecycle.class);

    private final NodeProperties props;
    private final TaskRunner runner;
    private final TaskStore store;
    private final Liveness liveness;
    private final SimpleMessageListenerContainer requests;
    private final SimpleMessageListenerContainer control;
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tasknode-housekeeping");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;

    public TaskNodeLifecycle(NodeProperties props, TaskRunner runner, TaskStore store, Liveness liveness,
                             ConnectionFactory cf, RequestListener requestListener, ControlListener controlListener) {
        this.props = props;
        this.runner = runner;
        this.store = store;
        this.liveness = liveness;
        this.requests = new SimpleMessageListenerContainer(cf);
        requests.setQueueNames(props.getNodeName());
        requests.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        requests.setPrefetchCount(1);
        requests.setConcurrentConsumers(Math.max(1, Math.min(props.getWorkers(), 4)));
        requests.setMessageListener(requestListener);
        requests.setMissingQueuesFatal(false);
        this.control = new SimpleMessageListenerContainer(cf);
        control.setQueueNames(Wire.controlQueue(props.getNodeName()));
        control.setAcknowledgeMode(AcknowledgeMode.AUTO);
        control.setDefaultRequeueRejected(false);
        control.setPrefetchCount(20);
        control.setConcurrentConsumers(2);
        control.setMessageListener(controlListener);
        control.setMissingQueuesFatal(false);
    }

    @Override
    public void start() {
        try {
            liveness.ensureHeld();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot register this node in the database: " + e.getMessage(), e);
        }
        liveness.reap();
        control.start();
        requests.start();
        housekeeping.scheduleWithFixedDelay(this::pollCancels, 500, 500, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::checkPeers, 15, 15, TimeUnit.SECONDS);
        running = true;
        log.info("task node '{}' consuming with {} workers (instance {})", props.getNodeName(), props.getWorkers(),
                props.getInstanceId());
    }

    /** A cancel recorded by whichever replica received it reaches the replica that runs the task. */
    private void pollCancels() {
        try {
            if (!runner.runningIds().isEmpty()) {
                store.cancelRequested(props.getInstanceId()).forEach(runner::cancelLocal);
            }
        } catch (RuntimeException e) {
            log.debug("cancel poll failed: {}", e.toString());
        }
    }

    private void checkPeers() {
        try {
            liveness.ensureHeld();
            liveness.reap();
        } catch (Exception e) {
            log.warn("liveness check failed: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        log.info("task node '{}' stopping: no new requests, {} running task(s) get {}", props.getNodeName(),
                runner.runningIds().size(), props.getShutdownGrace());
        requests.stop();
        runner.shutdown(props.getShutdownGrace());
        housekeeping.shutdownNow();
        control.stop();
        liveness.close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop early (before the web server and connection factory) so running tasks can still publish. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
