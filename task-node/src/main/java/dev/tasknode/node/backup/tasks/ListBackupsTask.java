package dev.tasknode.node.backup.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.backup.restore.ReplacedCopies;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * list_backups: newest first. {@code valid} = every file present and matching its sha256 (prototype backups:
 * present and a sound gzip stream). Checksums are cached by size and mtime, so listing again is cheap; an entry
 * whose check used the cache says so ({@code cached = true}): a changed byte that kept size and time is only found
 * by show_backup, verify_backup and restore_database, which hash every file in full.
 */
@Component
public class ListBackupsTask implements Task {
    public record Entry(String id, String date, String format, String status, boolean valid, boolean cached,
                        List<String> problems,
                        String scope, String reason, int schemas, List<String> failedSchemas, long size,
                        String pgDumpVersion, String serverVersion, java.util.Map<String, Integer> clusters) {}

    /** {@code replaced}: the schemas restores replaced and kept as their way back (prune_backups drops them in time). */
    public record Result(String dir, List<Entry> backups, List<ReplacedCopies.Copy> replaced) {}

    private final BackupStore store;
    private final ReplacedCopies replaced;

    public ListBackupsTask(BackupStore store, ReplacedCopies replaced) {
        this.store = store;
        this.replaced = replaced;
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
            BackupStore.Check check = store.check(m, m.files(), true);
            List<String> problems = check.problems();
            java.util.Map<String, Integer> clusters = perCluster(m);
            out.add(new Entry(m.id(), m.startedAt(), m.format(), m.status(), problems.isEmpty(), check.cached(), problems,
                    m.scope(),
                    m.reason(), m.schemas().size(),
                    m.schemas().stream().filter(s -> !s.ok()).map(ListBackupsTask::name).toList(), m.size(),
                    m.pgDumpVersion(), m.serverVersion(), clusters));
            ctx.log().info("%s  %-9s %-8s %s%s  %d schema(s)%s  %d bytes%s", m.id(), m.format(), m.status(),
                    problems.isEmpty() ? "valid  " : "INVALID", check.cached() ? " (cached checksums)" : "",
                    m.schemas().size(), clustersText(clusters), m.size(),
                    problems.isEmpty() ? "" : "  " + problems);
        }
        List<String> unreadable = new ArrayList<>();
        List<ReplacedCopies.Copy> copies = replaced.list(unreadable);
        unreadable.forEach(p -> ctx.log().error(p));
        for (ReplacedCopies.Copy x : copies) {
            ctx.log().info("replaced copy %s of %s%s (restore of %s at %s), kept until %s%s", x.kept(), x.schema(),
                    Manifest.DEFAULT_CLUSTER.equals(x.cluster()) ? "" : " on cluster " + x.cluster(), x.backupId(),
                    x.replacedAt(), x.keepUntil(), x.exists() ? "" : " — MISSING (dropped by hand?)");
        }
        long invalid = out.stream().filter(e -> !e.valid()).count();
        long cached = out.stream().filter(Entry::cached).count();
        String summary = out.size() + " backup(s) in " + store.dir() + (invalid == 0 ? "" : ", " + invalid + " invalid")
                + (cached == 0 ? "" : "; " + cached + " checked against cached checksums (files unchanged in size"
                + " and time; show_backup or verify_backup hash them in full)")
                + (copies.isEmpty() ? "" : "; " + copies.size() + " replaced schema copy(ies) kept as the way back of restores")
                + (unreadable.isEmpty() ? "" : "; " + String.join("; ", unreadable));
        Result r = new Result(store.dir().toString(), out, copies);
        // a cluster whose kept copies could not be read: the listing is incomplete, never a plain success
        return unreadable.isEmpty() ? TaskOutcome.ok(summary, r) : TaskOutcome.partial(summary, r);
    }

    /** A schema as lists show it: its name, with its cluster when that is not the default ({@code tn2:shared}). */
    static String name(Manifest.SchemaEntry s) {
        return Manifest.DEFAULT_CLUSTER.equals(s.clusterName()) ? s.schema() : s.clusterName() + ":" + s.schema();
    }

    /** " (default 2, tn2 3)" when the backup holds more than the default cluster; "" otherwise. */
    static String clustersText(java.util.Map<String, Integer> clusters) {
        if (clusters.isEmpty() || clusters.keySet().equals(java.util.Set.of(Manifest.DEFAULT_CLUSTER))) {
            return "";
        }
        java.util.StringJoiner j = new java.util.StringJoiner(", ", " (", ")");
        clusters.forEach((name, n) -> j.add(name + " " + n));
        return j.toString();
    }

    /** Schemas per cluster, the default cluster first, then by name. */
    private static java.util.Map<String, Integer> perCluster(Manifest m) {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>(java.util.Comparator
                .comparing((String c) -> !Manifest.DEFAULT_CLUSTER.equals(c)).thenComparing(c -> c));
        m.schemas().forEach(s -> out.merge(s.clusterName(), 1, Integer::sum));
        return out;
    }
}
