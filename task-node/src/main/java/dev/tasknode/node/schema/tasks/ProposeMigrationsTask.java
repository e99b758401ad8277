package dev.tasknode.node.schema.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.online.OnlineMode;
import dev.tasknode.node.schema.SchemaReports;
import dev.tasknode.node.schema.fanout.ClusterSchemas;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import org.springframework.stereotype.Component;

/** propose_migrations: each distinct change set once, with its schemas, script and classification. No DDL runs. */
@Component
public class ProposeMigrationsTask implements Task {
    private final ClusterSchemas clusters;

    @org.springframework.beans.factory.annotation.Autowired
    public ProposeMigrationsTask(ClusterSchemas clusters) {
        this.clusters = clusters;
    }

    /** One cluster, hand-wired (tests). */
    public ProposeMigrationsTask(SchemaReports reports) {
        this(ClusterSchemas.single(reports));
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.PROPOSE_MIGRATIONS;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        ctx.progress(0, 0, "inspecting");
        Results.Proposal p = clusters.propose(ctx.params().scope(), OnlineMode.of(ctx.params().string("online")));
        for (Results.ChangeSet cs : p.changeSets()) {
            ctx.log().info("-- change set %s: %d %s schema(s) (%s%s)%s; %d safe, %d locking, %d destructive",
                    cs.fingerprint(), cs.schemaCount(), cs.kind(), cs.schemas().getFirst(), cs.schemaCount() > 1 ? ", ..." : "",
                    cs.clusters() == null || cs.clusters().size() < 2 && !ctxMulti(p) ? ""
                            : " on cluster(s) " + String.join(", ", cs.clusters().keySet()),
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
        if (Results.ClusterPart.anyDown(p.clusters())) {
            summary += "; " + Results.ClusterPart.describeDown(p.clusters());
            ctx.log().error(summary);
            ctx.progress(1, 1, "done");
            boolean someRead = p.clusters().stream().anyMatch(c -> Results.ClusterPart.OK.equals(c.state()));
            return someRead ? TaskOutcome.partial(summary, p) : TaskOutcome.failed(summary, p);
        }
        ctx.log().info(summary);
        ctx.progress(1, 1, "done");
        return TaskOutcome.ok(summary, p);
    }

    /** Several clusters took part: change sets name theirs. */
    private static boolean ctxMulti(Results.Proposal p) {
        return p.clusters() != null && p.clusters().size() > 1;
    }
}
