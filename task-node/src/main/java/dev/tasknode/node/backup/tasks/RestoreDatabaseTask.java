package dev.tasknode.node.backup.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.backup.restore.RestoreService;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import org.springframework.stereotype.Component;

/**
 * restore_database: param {@code YYYYMMDD_HHMMSS[:schema]}, {@code safety_backup} (default true: keep the replaced
 * schemas as the way back), {@code safety_dump} (default false: also take a pg_dump of them first),
 * {@code target_cluster} (one project onto another configured cluster: a move).
 */
@Component
public class RestoreDatabaseTask implements Task {
    private final RestoreService service;

    public RestoreDatabaseTask(RestoreService service) {
        this.service = service;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.RESTORE_DATABASE;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        return service.restore(ctx, ctx.params().restoreSpec(), ctx.params().flag("safety_backup"),
                ctx.params().flag("safety_dump"), ctx.params().string("target_cluster"));
    }
}
