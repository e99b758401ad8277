package dev.tasknode.node.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Diagnostic: a long task that logs every second and honours cancellation. Used by tests. */
@Component
public class SleepTask implements Task {

    @Override
    public TaskSpec spec() {
        return TaskCatalog.SLEEP;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws InterruptedException {
        long seconds = ctx.params().number("seconds");
        ctx.log().info("sleeping %d s", seconds);
        for (long i = 1; i <= seconds; i++) {
            Thread.sleep(1000);
            ctx.checkCancelled();
            ctx.log().info("slept %d of %d s", i, seconds);
            ctx.progress(i, seconds, "seconds");
        }
        return TaskOutcome.ok("slept " + seconds + " s", Map.of("seconds", seconds));
    }
}
