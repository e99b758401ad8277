package dev.tasknode.node.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Diagnostic: answers at once. The round-trip benchmark's no-op. */
@Component
public class PingTask implements Task {
    private final NodeProperties props;

    public PingTask(NodeProperties props) {
        this.props = props;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.PING;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("node", props.getNodeName());
        result.put("instance", props.getInstanceId());
        result.put("time", Instant.now().toString());
        String message = ctx.params().string("message");
        if (message != null) {
            result.put("message", message);
            ctx.log().info("ping: %s", message);
        }
        return TaskOutcome.ok("pong", result);
    }
}
