package dev.tasknode.node.schema.tasks;

import dev.tasknode.contracts.TaskCatalog;
import dev.tasknode.contracts.TaskSpec;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.online.OnlineMode;
import dev.tasknode.node.schema.SchemaReports;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import org.springframework.stereotype.Component;

/** propose_migrations: each distinct change set once, with its schemas, script and classification. No DDL runs. */
@Component
public class ProposeMigrationsTask implements Task {
    private final SchemaReports reports;

    public ProposeMigrationsTask(SchemaReports reports) {
        this.reports = reports;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.PROPOSE_MIGRATIONS;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        ctx.progress(0, 0, "inspecting");
        Results.Proposal p = reports.propose(ctx.params().scope(),
                OnlineMode.of(ctx.params().string("online"))).proposal();
        for (Results.ChangeSet cs : p.changeSets()) {
            ctx.log().info("-- change set %s: %d %s schema(s) (%s%s); %d safe, %d locking, %d destructive",
                    cs.fingerprint(), cs.schemaCount(), cs.kind(), cs.schemas().getFirst(), cs.schemaCount() > 1 ? ", ..." : "",
                    cs.counts().safe(), cs.counts().locking(), cs.counts().destructive());
            for (Results.StatementView s : cs.statements()) {
                ctx.log().info("%s; -- %s%s: %s%s%s", s.sql(), s.classification(),
                        s.form() == null ? "" : ", " + s.phase() + " " + s.form(), s.reason(),
                        s.lock() == null ? "" : " [lock: " + s.lock() + "]",
                        s.checkRuns() == null ? "" : "; data check " + s.checkRuns());
            }
            for (Results.CheckFinding f : cs.findings()) {
                ctx.log().warn("%s", f.describe());
            }
        }
        String summary = p.toChange() == 0 ? "all " + p.schemas() + " schema(s) match the model"
                : p.toChange() + " of " + p.schemas() + " schema(s) to change in " + p.changeSets().size()
                + " change set(s): " + p.totals().safe() + " safe, " + p.totals().locking() + " locking, "
                + p.totals().destructive() + " destructive statement(s); proposal " + p.fingerprint();
        ctx.log().info(summary);
        ctx.progress(1, 1, "done");
        return TaskOutcome.ok(summary, p);
    }
}
