package dev.tasknode.node.backup;

import dev.tasknode.contracts.TaskCatalog;
import dev.tasknode.contracts.TaskSpec;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * list_backups: newest first. {@code valid} = every file present and matching its sha256 (prototype backups:
 * present and a sound gzip stream). Checksums are cached by size and mtime, so listing again is cheap.
 */
@Component
public class ListBackupsTask implements Task {
    public record Entry(String id, String date, String format, String status, boolean valid, List<String> problems,
                        String scope, String reason, int schemas, List<String> failedSchemas, long size,
                        String pgDumpVersion, String serverVersion) {}

    public record Result(String dir, List<Entry> backups) {}

    private final BackupStore store;

    public ListBackupsTask(BackupStore store) {
        this.store = store;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.LIST_BACKUPS;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        List<Manifest> all = store.list();
        List<Entry> out = new ArrayList<>();
        int i = 0;
        for (Manifest m : all) {
            ctx.checkCancelled();
            ctx.progress(i++, all.size(), "checking " + m.id());
            List<String> problems = store.check(m, m.files());
            out.add(new Entry(m.id(), m.startedAt(), m.format(), m.status(), problems.isEmpty(), problems, m.scope(),
                    m.reason(), m.schemas().size(),
                    m.schemas().stream().filter(s -> !s.ok()).map(Manifest.SchemaEntry::schema).toList(), m.size(),
                    m.pgDumpVersion(), m.serverVersion()));
            ctx.log().info("%s  %-9s %-8s %s  %d schema(s)  %d bytes%s", m.id(), m.format(), m.status(),
                    problems.isEmpty() ? "valid  " : "INVALID", m.schemas().size(), m.size(),
                    problems.isEmpty() ? "" : "  " + problems);
        }
        long invalid = out.stream().filter(e -> !e.valid()).count();
        return TaskOutcome.ok(out.size() + " backup(s) in " + store.dir() + (invalid == 0 ? "" : ", " + invalid + " invalid"),
                new Result(store.dir().toString(), out));
    }
}
