package dev.tasknode.node.schema.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.SchemaReports;
import dev.tasknode.node.schema.fanout.ClusterSchemas;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import org.springframework.stereotype.Component;

/** schema_status: every schema as up_to_date, pending, drifted or failed; also updates the tasknode.schemas gauges. */
@Component
public class SchemaStatusTask implements Task {
    private final ClusterSchemas clusters;

    @org.springframework.beans.factory.annotation.Autowired
    public SchemaStatusTask(ClusterSchemas clusters) {
        this.clusters = clusters;
    }

    /** One cluster, hand-wired (tests). */
    public SchemaStatusTask(SchemaReports reports) {
        this(ClusterSchemas.single(reports));
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.SCHEMA_STATUS;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        Results.Status s = clusters.status(ctx.params().scope());
        String summary = s.schemas() + " schema(s): " + s.counts().get("up_to_date") + " up to date, "
                + s.counts().get("pending") + " pending, " + s.counts().get("drifted") + " drifted, "
                + s.counts().get("failed") + " failed";
        for (Results.SchemaState st : s.schemaStates()) {
            if (!st.state().equals("up_to_date")) {
                ctx.log().info("%s%s: %s (%s)", st.schema(), st.cluster() == null || s.clusters() == null
                        || s.clusters().size() < 2 ? "" : " on cluster " + st.cluster(), st.state(),
                        st.error() != null ? st.error() : st.pendingStatements() + " statement(s) pending");
            }
        }
        if (Results.ClusterPart.anyDown(s.clusters())) {
            summary += "; " + Results.ClusterPart.describeDown(s.clusters());
            ctx.log().error(summary);
            boolean someRead = s.clusters().stream().anyMatch(c -> Results.ClusterPart.OK.equals(c.state()));
            return someRead ? TaskOutcome.partial(summary, s) : TaskOutcome.failed(summary, s);
        }
        ctx.log().info(summary);
        return TaskOutcome.ok(summary, s);
    }
}
