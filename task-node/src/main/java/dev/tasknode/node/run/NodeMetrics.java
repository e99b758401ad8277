package dev.tasknode.node.run;

import dev.tasknode.contracts.messages.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The node's own meters. Tags are bounded sets (task names, outcomes, error codes); a task id is never a tag.
 * Prometheus names: tasknode_task_duration_seconds, tasknode_requests_rejected_total, tasknode_tasks_running,
 * tasknode_requests_dead_lettered_total.
 */
@Component
public class NodeMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger running = new AtomicInteger();

    public NodeMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("tasknode.tasks.running", running);
        for (String reason : new String[] {"unknown_task", "invalid_params", "unauthorized", "expired", "conflict"}) {
            rejectedCounter(reason); // present at 0 before the first rejection, so rates and alerts work from the start
        }
        for (String reason : new String[] {"no_reply_to", "failed"}) {
            deadLetteredCounter(reason);
        }
    }

    void started() {
        running.incrementAndGet();
    }

    void finished(String task, TaskStatus outcome, Duration took) {
        running.decrementAndGet();
        Timer.builder("tasknode.task.duration").description("Task run time by task and outcome")
                .tag("task", task).tag("outcome", outcome.wire()).publishPercentileHistogram()
                .register(registry).record(took);
    }

    public void rejected(String reason) {
        rejectedCounter(reason).increment();
    }

    public void deadLettered(String reason) {
        deadLetteredCounter(reason).increment();
    }

    private Counter deadLetteredCounter(String reason) {
        return Counter.builder("tasknode.requests.dead.lettered")
                .description("Requests put on <node>.dead instead of being answered, by reason").tag("reason", reason)
                .register(registry);
    }

    private Counter rejectedCounter(String reason) {
        return Counter.builder("tasknode.requests.rejected").description("Task requests refused, by error code")
                .tag("reason", reason).register(registry);
    }
}
