package dev.tasknode.node.backup.restore;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.RestoreSpec;
import dev.tasknode.contracts.Scope;
import dev.tasknode.node.backup.dump.BackupService;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskOutcome;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.stereotype.Service;

/**
 * restore_database. Everything that can refuse is checked before anything is touched: the backup exists, holds
 * the schema, its files match their checksums, the schemas' advisory locks are free, the safety backup is
 * complete. Then each schema is replaced through {@link SchemaRestorer} (moved aside, restored, row counts checked
 * against the manifest, aside copy dropped — or put back on any failure). The shared schema goes first and alone
 * (project foreign keys reference it), then the projects in parallel. A failing schema fails alone: the others go
 * on, and the run ends partial. A cancelled run ends cancelled, every schema restored or as it was.
 */
@Service
public class RestoreService {
    /** outcome: restored | failed | cancelled (left as it was) | skipped (not attempted) | untouched (not in backup). */
    public record SchemaResult(String schema, String outcome, Map<String, Long> rows, String message) {}

    /** {@code kept}: the replaced copies kept as the way back (list_backups shows them), until {@code keptUntil}. */
    public record RestoreResult(String backupId, String format, String target, String safetyBackup,
                                List<SchemaResult> schemas, List<String> notInBackup, List<String> warnings,
                                List<String> kept, String keptUntil) {}

    static final String RESTORED = "restored";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";
    static final String UNTOUCHED = "untouched";
    static final String SKIPPED = "skipped";

    private final DataSource ds;
    private final Fleet fleet;
    private final BackupStore store;
    private final BackupService backups;
    private final SchemaSwap swap;
    private final SchemaRestorer restorer;
    private final PgTools pg;

    public RestoreService(DataSource ds, Fleet fleet, BackupStore store, BackupService backups, SchemaSwap swap, PgTools pg) {
        this.ds = ds;
        this.fleet = fleet;
        this.store = store;
        this.backups = backups;
        this.swap = swap;
        this.restorer = new SchemaRestorer(store, swap, pg);
        this.pg = pg;
    }

    public TaskOutcome restore(TaskContext ctx, RestoreSpec spec, boolean safetyBackup) throws Exception {
        return restore(ctx, spec, safetyBackup, false);
    }

    /**
     * {@code safetyBackup}: keep a way back — each replaced schema is kept, renamed, for
     * {@code tasknode.backup.keep-replaced} (a rename in the restore's last transaction: no dump, survives a crash);
     * with keep-replaced 0 a safety pg_dump is taken instead. {@code safetyDump}: take that pg_dump as well.
     */
    public TaskOutcome restore(TaskContext ctx, RestoreSpec spec, boolean safetyBackup, boolean safetyDump) throws Exception {
        Manifest m = store.get(spec.backupId());
        List<String> targets = targets(m, spec.target());
        List<Manifest.FileEntry> files = m.files().stream()
                .filter(f -> f.schemas().stream().anyMatch(targets::contains)).toList();
        ctx.log().info("restore from %s (%s, %s): %s; checking %d file(s)", m.id(), m.format(), m.status(),
                targets.size() == 1 ? targets.get(0) : targets.size() + " schemas", files.size());
        List<String> problems = store.check(m, files);
        if (!problems.isEmpty()) {
            problems.forEach(p -> ctx.log().error(p));
            throw new TaskFailedException(ErrorCode.TASK_FAILED, "backup " + m.id() + " is damaged, nothing was touched: "
                    + String.join("; ", problems));
        }
        try (Connection lock = ds.getConnection()) {
            try {
                List<String> busy = SchemaCatalog.lockAll(lock, targets, pg.props().getSchemaLockWait());
                if (!busy.isEmpty()) {
                    throw new TaskFailedException(ErrorCode.CONFLICT, "schema(s) " + busy + " are busy (apply, backup or"
                            + " restore running); nothing was touched");
                }
                String safety = null;
                java.time.Instant until = java.time.Instant.now().plus(pg.props().getKeepReplaced()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                SchemaSwap.Keep keep = safetyBackup && !pg.props().getKeepReplaced().isZero()
                        ? new SchemaSwap.Keep(m.id(), ctx.taskId(), until, java.util.Collections.synchronizedList(new ArrayList<>())) : null;
                List<String> notInBackup = new ArrayList<>();
                try (Connection w = ds.getConnection()) {
                    List<String> repaired = swap.repair(w, targets);
                    repaired.forEach(s -> ctx.log().warn("an earlier restore of %s had been cut off; put the original back", s));
                    List<String> live = new ArrayList<>(SchemaCatalog.existing(w, targets));
                    boolean keepCopies = safetyBackup && !pg.props().getKeepReplaced().isZero();
                    if ((safetyDump || (safetyBackup && !keepCopies)) && !live.isEmpty()) {
                        ctx.log().info("safety backup of %d schema(s) about to be replaced", live.size());
                        Manifest sb = backups.backupSchemas(ctx, live, live.toString(), "safety", false);
                        if (!Manifest.COMPLETE.equals(sb.status())) {
                            throw new TaskFailedException(ErrorCode.TASK_FAILED, "safety backup " + sb.id() + " is " + sb.status()
                                    + "; nothing was touched");
                        }
                        safety = sb.id();
                    } else if (!safetyBackup) {
                        ctx.log().warn("no safety backup (safety_backup=false): the replaced schemas are dropped");
                    }
                    if (keepCopies && !live.isEmpty()) {
                        ctx.log().info("the way back: each replaced schema is kept as _replaced_<schema>_<hex> until %s"
                                + " (tasknode.backup.keep-replaced %s; list_backups shows them, prune_backups drops them)",
                                until, pg.props().getKeepReplaced());
                    }
                    if (spec.target() instanceof Scope.All) {
                        Set<String> in = Set.copyOf(m.schemas().stream().map(Manifest.SchemaEntry::schema).toList());
                        fleet.existingProjectSchemas(w).stream().filter(s -> !in.contains(s)).forEach(notInBackup::add);
                        if (!notInBackup.isEmpty()) {
                            ctx.log().warn("%d project schema(s) exist now but are not in %s; left untouched: %s",
                                    notInBackup.size(), m.id(), notInBackup.size() > 20 ? notInBackup.subList(0, 20) + "…" : notInBackup);
                        }
                    }
                }
                ctx.checkCancelled(); // nothing touched yet
                return outcome(ctx, m, spec, targets, safety, keep, notInBackup, new ParallelRestore(ds, restorer, ctx, m, keep)
                        .run(targets, fleet.sharedSchema(), pg.props().effectiveWorkers()));
            } finally {
                SchemaCatalog.unlockAll(lock);
            }
        }
    }

    private TaskOutcome outcome(TaskContext ctx, Manifest m, RestoreSpec spec, List<String> targets, String safety,
                                SchemaSwap.Keep keep, List<String> notInBackup, ParallelRestore.Done done) {
        List<SchemaResult> results = new ArrayList<>(done.results());
        notInBackup.forEach(s -> results.add(new SchemaResult(s, UNTOUCHED, null, "not in backup " + m.id())));
        ctx.progress(targets.size(), targets.size(), "done");
        long restored = count(results, RESTORED);
        long cancelled = count(results, CANCELLED);
        long failed = targets.size() - restored - cancelled; // failed, or skipped: not restored either way
        List<String> kept = keep == null ? List.of() : List.copyOf(keep.kept());
        RestoreResult result = new RestoreResult(m.id(), m.format(), spec.target().toString(), safety, results, notInBackup,
                done.warnings(), kept, kept.isEmpty() ? null : keep.until().toString());
        String firstFailure = results.stream().filter(r -> !List.of(RESTORED, CANCELLED, UNTOUCHED).contains(r.outcome()))
                .findFirst().map(r -> r.schema() + ": " + r.message()).orElse(null);
        String summary = "restored " + restored + " of " + targets.size() + " schema(s) from " + m.id()
                + (safety == null ? "" : " (safety backup " + safety + ")")
                + (kept.isEmpty() ? "" : " (replaced copies kept until " + keep.until() + ": " + (kept.size() == 1 ? kept.get(0)
                        : kept.size() + " schemas") + ")")
                + (failed == 0 ? "" : "; " + failed + " failed, originals kept (first: " + firstFailure + ")")
                + (cancelled == 0 ? "" : "; cancelled: " + cancelled + " left as they were");
        if (failed > 0 || cancelled > 0) {
            ctx.log().error(summary);
        } else {
            ctx.log().info(summary);
        }
        if (cancelled > 0) {
            return TaskOutcome.cancelled(summary, result);
        }
        return failed == 0 ? TaskOutcome.ok(summary, result)
                : restored == 0 ? TaskOutcome.failed(summary, result) : TaskOutcome.partial(summary, result);
    }

    private static long count(List<SchemaResult> results, String outcome) {
        return results.stream().filter(r -> r.outcome().equals(outcome)).count();
    }

    /** The schemas to restore, in the backup's order (shared first); refuses what the backup does not hold. */
    private List<String> targets(Manifest m, Scope target) {
        List<String> out = switch (target) {
            case Scope.All a -> m.okSchemas();
            case Scope.Shared s -> List.of(fleet.sharedSchema());
            case Scope.Project p -> List.of(fleet.projectSchema(p.id()));
        };
        if (out.isEmpty()) {
            throw new TaskFailedException(ErrorCode.NOT_FOUND, "backup " + m.id() + " holds no restorable schema (status "
                    + m.status() + ")");
        }
        for (String s : out) {
            if (s.equals(swap.storeSchema())) {
                throw new TaskFailedException(ErrorCode.BAD_REQUEST, "the node's own schema " + s + " is never restored");
            }
            Manifest.SchemaEntry e = m.schema(s).orElseThrow(() -> new TaskFailedException(ErrorCode.NOT_FOUND,
                    "backup " + m.id() + " does not contain schema " + s + "; nothing was touched (show_backup " + m.id()
                            + " lists its schemas)"));
            if (!e.ok()) {
                throw new TaskFailedException(ErrorCode.NOT_FOUND, "schema " + s + " failed in backup " + m.id() + " ("
                        + e.error() + "); nothing was touched");
            }
        }
        return out;
    }

    /** For tests and the start-up runner: roll back every restore cut off mid-way. */
    public List<String> repairAll() throws Exception {
        try (Connection c = ds.getConnection()) {
            return swap.repair(c, null);
        }
    }

    static String quote(String s) {
        return Fleet.quote(s);
    }
}
