package dev.tasknode.node.schema.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.fanout.ClusterSchemas;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import org.springframework.stereotype.Component;

/** create_tables: creates missing schemas, types, sequences, tables (with their keys, indexes, comments) and views. */
@Component
public class CreateTablesTask implements Task {
    private final ClusterSchemas clusters;

    @org.springframework.beans.factory.annotation.Autowired
    public CreateTablesTask(ClusterSchemas clusters) {
        this.clusters = clusters;
    }

    /** One cluster, hand-wired (tests). */
    public CreateTablesTask(FleetApplier applier) {
        this(ClusterSchemas.single(applier));
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.CREATE_TABLES;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        Results.ApplyReport r = clusters.apply(ctx, ctx.params().scope(),
                new FleetApplier.Options(spec().name(), false, false, false, null, true));
        return ApplyMigrationsTask.outcome(ctx, r, "created objects in");
    }
}
