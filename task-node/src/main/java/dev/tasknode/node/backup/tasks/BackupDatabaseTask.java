package dev.tasknode.node.backup.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.backup.dump.BackupService;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import java.util.List;
import org.springframework.stereotype.Component;

/** backup_database: param "" (all), "shared" or a project id. Partial / failed when any schema failed. */
@Component
public class BackupDatabaseTask implements Task {
    public static final String SCHEDULER = "tasknode-scheduler";

    /** The result: the new backup's id and what it holds. */
    public record Result(String backupId, String status, String scope, int schemas, long size,
                         List<Failed> failed, String path, List<Manifest.ClusterEntry> clusters) {}

    public record Failed(String schema, String error, String cluster) {}

    private final BackupService service;
    private final BackupStore store;

    public BackupDatabaseTask(BackupService service, BackupStore store) {
        this.service = service;
        this.store = store;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.BACKUP_DATABASE;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        String reason = SCHEDULER.equals(ctx.requestedBy()) ? "scheduled" : "manual";
        Manifest m = service.backup(ctx, ctx.params().scope(), reason);
        return outcome(m, store);
    }

    static TaskOutcome outcome(Manifest m, BackupStore store) {
        List<Failed> failed = m.schemas().stream().filter(s -> !s.ok()).map(s -> new Failed(s.schema(), s.error(), s.clusterName())).toList();
        Result r = new Result(m.id(), m.status(), m.scope(), m.schemas().size(), m.size(), failed,
                store.dir().resolve(m.id()).toString(), m.clusters());
        String summary = "backup " + m.id() + " " + m.status() + ": " + m.okSchemas().size() + " of " + m.schemas().size()
                + " schema(s), " + m.size() + " bytes" + (failed.isEmpty() ? "" : ", failed: "
                + failed.stream().limit(10).map(f -> Manifest.DEFAULT_CLUSTER.equals(f.cluster()) ? f.schema()
                : f.cluster() + ":" + f.schema()).toList());
        return switch (m.status()) {
            case Manifest.COMPLETE -> TaskOutcome.ok(summary, r);
            case Manifest.PARTIAL -> TaskOutcome.partial(summary, r);
            default -> TaskOutcome.failed(summary, r);
        };
    }
}
