package dev.tasknode.node.backup.tasks;

import dev.tasknode.contracts.tasks.RestoreSpec;
import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.backup.BackupProperties;
import dev.tasknode.node.backup.restore.ReplacedCopies;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * prune_backups: keeps the newest {@code keep_last} complete backups, every backup younger than {@code keep_days},
 * the newest complete backup always, and anything newer than it (a recent partial backup may be all there is).
 * Without parameters the configured retention applies. The prototype's backups are never pruned (delete by hand).
 */
@Component
public class PruneBackupsTask implements Task {
    /** {@code droppedReplaced}: kept replaced copies of restores whose time (tasknode.backup.keep-replaced) was up. */
    public record Result(Integer keepLast, Integer keepDays, boolean dryRun, List<String> deleted, List<String> kept,
                         List<String> droppedReplaced) {}

    private final BackupStore store;
    private final BackupProperties props;
    private final ReplacedCopies replaced;

    public PruneBackupsTask(BackupStore store, BackupProperties props, ReplacedCopies replaced) {
        this.store = store;
        this.props = props;
        this.replaced = replaced;
    }

    /** Drops (or, dry, lists) the replaced copies whose time is up; whatever the backup retention says. */
    private List<String> pruneReplaced(TaskContext ctx, boolean dry, List<String> problems) throws Exception {
        List<String> out = new ArrayList<>();
        for (ReplacedCopies.Copy x : replaced.expired(java.time.Instant.now(), problems)) {
            ctx.checkCancelled();
            ctx.log().info("%s replaced copy %s of %s (kept until %s)", dry ? "would drop" : "dropping", x.kept(), x.schema(),
                    x.keepUntil());
            if (!dry) {
                replaced.drop(x);
            }
            out.add(x.kept());
        }
        return out;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.PRUNE_BACKUPS;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        Long pl = ctx.params().number("keep_last");
        Long pd = ctx.params().number("keep_days");
        boolean given = pl != null || pd != null;
        Integer keepLast = given ? (pl == null ? null : pl.intValue()) : positive(props.getRetention().getKeepLast());
        Integer keepDays = given ? (pd == null ? null : pd.intValue()) : positive(props.getRetention().getKeepDays());
        boolean dry = ctx.params().flag("dry_run");
        List<String> unreadable = new ArrayList<>();
        List<String> droppedReplaced = pruneReplaced(ctx, dry, unreadable);
        unreadable.forEach(p -> ctx.log().error(p));
        String copies = (droppedReplaced.isEmpty() ? "" : "; " + (dry ? "would drop " : "dropped ") + droppedReplaced.size()
                + " expired replaced schema copy(ies)") + (unreadable.isEmpty() ? "" : "; " + String.join("; ", unreadable));
        if (keepLast == null && keepDays == null) {
            return outcome(unreadable, "no retention configured (tasknode.backup.retention.*): no backup pruned" + copies,
                    new Result(null, null, dry, List.of(), List.of(), droppedReplaced));
        }
        List<Manifest> all = store.list().stream().filter(m -> Manifest.TASKNODE.equals(m.format())).toList();
        List<String> delete = plan(all, keepLast, keepDays, LocalDateTime.now(ZoneOffset.UTC));
        List<String> kept = all.stream().map(Manifest::id).filter(id -> !delete.contains(id)).toList();
        for (Manifest m : all) {
            if (delete.contains(m.id())) {
                ctx.checkCancelled();
                ctx.log().info("%s %s (%s, %d bytes)", dry ? "would delete" : "deleting", m.id(), m.status(), m.size());
                if (!dry) {
                    store.delete(m);
                }
            }
        }
        return outcome(unreadable, (dry ? "would delete " : "deleted ") + delete.size() + " backup(s), kept " + kept.size() + copies,
                new Result(keepLast, keepDays, dry, delete, kept, droppedReplaced));
    }

    /** A cluster whose kept copies could not be read was not pruned: partial, never a plain success. */
    private static TaskOutcome outcome(List<String> unreadable, String summary, Result r) {
        return unreadable.isEmpty() ? TaskOutcome.ok(summary, r) : TaskOutcome.partial(summary, r);
    }

    /** Ids to delete; {@code all} newest first. Public for the tests of the backup package. */
    public static List<String> plan(List<Manifest> all, Integer keepLast, Integer keepDays, LocalDateTime now) {
        List<String> delete = new ArrayList<>();
        int complete = 0;
        boolean seenComplete = false;
        for (Manifest m : all) {
            boolean isComplete = Manifest.COMPLETE.equals(m.status());
            LocalDateTime at = RestoreSpec.parseBackupId("id", m.id(), "");
            boolean keep = !seenComplete // newer than (or being) the newest complete backup
                    || (isComplete && keepLast != null && complete < keepLast)
                    || (keepDays != null && at.isAfter(now.minusDays(keepDays)));
            if (isComplete) {
                complete++;
                seenComplete = true;
            }
            if (!keep) {
                delete.add(m.id());
            }
        }
        return delete;
    }

    private static Integer positive(int v) {
        return v > 0 ? v : null;
    }
}
