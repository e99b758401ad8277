package dev.tasknode.node.schema.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskParams;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.fanout.ClusterSchemas;
import dev.tasknode.node.schema.online.OnlineMode;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import org.springframework.stereotype.Component;

/** apply_migrations: migrates every schema in scope to the model, each in its own transaction. */
@Component
public class ApplyMigrationsTask implements Task {
    private final ClusterSchemas clusters;

    @org.springframework.beans.factory.annotation.Autowired
    public ApplyMigrationsTask(ClusterSchemas clusters) {
        this.clusters = clusters;
    }

    /** One cluster, hand-wired (tests). */
    public ApplyMigrationsTask(FleetApplier applier) {
        this(ClusterSchemas.single(applier));
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.APPLY_MIGRATIONS;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        TaskParams p = ctx.params();
        Results.ApplyReport r = clusters.apply(ctx, p.scope(), new FleetApplier.Options(spec().name(),
                p.flag("allow_destructive"), p.flag("backup"), p.flag("dry_run"), p.string("expect"), false,
                OnlineMode.of(p.string("online"))));
        return outcome(ctx, r, r.dryRun() ? "would migrate" : "migrated");
    }

    /** Any failed schema or lost cluster makes the run partial (some done) or failed (none done); never success. */
    static TaskOutcome outcome(TaskContext ctx, Results.ApplyReport r, String verb) {
        String summary = verb + " " + r.changed() + " of " + r.schemas() + " schema(s)" + (r.unchanged() > 0
                ? ", " + r.unchanged() + " unchanged" : "") + (r.failed() > 0 ? ", " + r.failed() + " failed" : "")
                + (r.skippedStatements() > 0 ? ", " + r.skippedStatements() + " destructive statement(s) skipped" : "")
                + (Results.ClusterPart.anyDown(r.clusters()) ? "; " + Results.ClusterPart.describeDown(r.clusters()) : "");
        // a cluster lost mid-run could not verify what it applied: its loss is reported, not as a broken invariant
        java.util.Set<String> lost = r.clusters() == null ? java.util.Set.of() : r.clusters().stream()
                .filter(c -> Results.ClusterPart.DOWN.equals(c.state())).map(Results.ClusterPart::cluster)
                .collect(java.util.stream.Collectors.toSet());
        boolean invariantBroken = !r.dryRun() && r.outcomes().stream()
                .anyMatch(o -> "applied".equals(o.outcome()) && o.skipped().isEmpty() && !Boolean.TRUE.equals(o.matchesModel())
                        && !lost.contains(o.cluster()));
        if (invariantBroken) {
            summary += "; some applied schemas still differ from the model (see matches_model)";
            ctx.log().error(summary);
        } else {
            ctx.log().info(summary);
        }
        // a lost cluster is never success, even when every schema it had committed before it went (none verified)
        if (r.failed() > 0 || !lost.isEmpty()) {
            return r.changed() > 0 || r.unchanged() > 0 ? TaskOutcome.partial(summary, r) : TaskOutcome.failed(summary, r);
        }
        return invariantBroken ? TaskOutcome.partial(summary, r) : TaskOutcome.ok(summary, r);
    }
}
