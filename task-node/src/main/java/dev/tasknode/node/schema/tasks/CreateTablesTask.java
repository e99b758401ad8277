package dev.tasknode.node.schema.tasks;

import dev.tasknode.contracts.TaskCatalog;
import dev.tasknode.contracts.TaskSpec;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import org.springframework.stereotype.Component;

/** create_tables: creates missing schemas, types, sequences, tables (with their keys, indexes, comments) and views. */
@Component
public class CreateTablesTask implements Task {
    private final FleetApplier applier;

    public CreateTablesTask(FleetApplier applier) {
        this.applier = applier;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.CREATE_TABLES;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        Results.ApplyReport r = applier.run(ctx, ctx.params().scope(),
                new FleetApplier.Options(spec().name(), false, false, false, null, true));
        return ApplyMigrationsTask.outcome(ctx, r, "created objects in");
    }
}
