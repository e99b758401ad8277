package dev.tasknode.node.backup.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import java.util.List;
import org.springframework.stereotype.Component;

/** show_backup: the manifest, plus whether its files are intact — to review before a restore. */
@Component
public class ShowBackupTask implements Task {
    public record Result(Manifest manifest, boolean valid, List<String> problems, String path) {}

    private final BackupStore store;

    public ShowBackupTask(BackupStore store) {
        this.store = store;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.SHOW_BACKUP;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        Manifest m = store.get(ctx.params().string("backup_id"));
        List<String> problems = store.check(m, m.files());
        problems.forEach(p -> ctx.log().error(p));
        String path = Manifest.PROTOTYPE.equals(m.format()) ? store.dir().toString() : store.dir().resolve(m.id()).toString();
        java.util.Map<String, Integer> perCluster = new java.util.LinkedHashMap<>();
        m.schemas().forEach(x -> perCluster.merge(x.clusterName(), 1, Integer::sum));
        String where = perCluster.size() < 2 ? "" : " (" + String.join(", ", perCluster.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList()) + ")";
        return TaskOutcome.ok("backup " + m.id() + " (" + m.format() + ") " + m.status() + ", " + m.schemas().size()
                + " schema(s)" + where + ", " + (problems.isEmpty() ? "valid" : "INVALID: " + String.join("; ", problems)),
                new Result(m, problems.isEmpty(), problems, path));
    }
}
