package dev.tasknode.node.schema.tasks;

import dev.tasknode.contracts.TaskCatalog;
import dev.tasknode.contracts.TaskSpec;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.SchemaReports;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import org.springframework.stereotype.Component;

/** schema_status: every schema as up_to_date, pending, drifted or failed; also updates the tasknode.schemas gauges. */
@Component
public class SchemaStatusTask implements Task {
    private final SchemaReports reports;

    public SchemaStatusTask(SchemaReports reports) {
        this.reports = reports;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.SCHEMA_STATUS;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        Results.Status s = reports.status(ctx.params().scope());
        String summary = s.schemas() + " schema(s): " + s.counts().get("up_to_date") + " up to date, "
                + s.counts().get("pending") + " pending, " + s.counts().get("drifted") + " drifted, "
                + s.counts().get("failed") + " failed";
        for (Results.SchemaState st : s.schemaStates()) {
            if (!st.state().equals("up_to_date")) {
                ctx.log().info("%s: %s (%d statement(s) pending)", st.schema(), st.state(), st.pendingStatements());
            }
        }
        ctx.log().info(summary);
        return TaskOutcome.ok(summary, s);
    }
}
