package dev.tasknode.node.backup;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.RestoreSpec;
import dev.tasknode.contracts.Scope;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskOutcome;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import javax.sql.DataSource;
import org.springframework.stereotype.Service;

/**
 * restore_database. Everything that can refuse is checked before anything is touched: the backup exists, holds
 * the schema, its files match their checksums, the schemas' advisory locks are free, the safety backup is
 * complete. Then each schema is replaced through {@link SchemaSwap} (moved aside, restored, row counts checked
 * against the manifest, aside copy dropped — or put back on any failure). The first failing schema stops the
 * run; the schemas after it are left as they are.
 */
@Service
public class RestoreService {
    /** One schema's fate. outcome: restored | failed | skipped | untouched (exists now, not in the backup). */
    public record SchemaResult(String schema, String outcome, Map<String, Long> rows, String message) {}

    public record RestoreResult(String backupId, String format, String target, String safetyBackup,
                                List<SchemaResult> schemas, List<String> notInBackup, List<String> warnings) {}

    private final DataSource ds;
    private final Fleet fleet;
    private final BackupStore store;
    private final BackupService backups;
    private final SchemaSwap swap;
    private final PgTools pg;

    public RestoreService(DataSource ds, Fleet fleet, BackupStore store, BackupService backups, SchemaSwap swap, PgTools pg) {
        this.ds = ds;
        this.fleet = fleet;
        this.store = store;
        this.backups = backups;
        this.swap = swap;
        this.pg = pg;
    }

    public TaskOutcome restore(TaskContext ctx, RestoreSpec spec, boolean safetyBackup) throws Exception {
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
        try (Connection lock = ds.getConnection(); Connection w = ds.getConnection()) {
            try {
                List<String> busy = SchemaCatalog.lockAll(lock, targets, pg.props().getSchemaLockWait());
                if (!busy.isEmpty()) {
                    throw new TaskFailedException(ErrorCode.CONFLICT, "schema(s) " + busy + " are busy (apply, backup or"
                            + " restore running); nothing was touched");
                }
                List<String> repaired = swap.repair(w, targets);
                repaired.forEach(s -> ctx.log().warn("an earlier restore of %s had been cut off; put the original back", s));
                String safety = null;
                List<String> live = new ArrayList<>(SchemaCatalog.existing(w, targets));
                if (safetyBackup && !live.isEmpty()) {
                    ctx.log().info("safety backup of %d schema(s) about to be replaced", live.size());
                    Manifest sb = backups.backupSchemas(ctx, live, live.toString(), "safety", false);
                    if (!Manifest.COMPLETE.equals(sb.status())) {
                        throw new TaskFailedException(ErrorCode.TASK_FAILED, "safety backup " + sb.id() + " is " + sb.status()
                                + "; nothing was touched");
                    }
                    safety = sb.id();
                } else if (!safetyBackup) {
                    ctx.log().warn("no safety backup (safety_backup=false)");
                }
                List<String> notInBackup = new ArrayList<>();
                if (spec.target() instanceof Scope.All) {
                    Set<String> in = Set.copyOf(m.schemas().stream().map(Manifest.SchemaEntry::schema).toList());
                    fleet.existingProjectSchemas(w).stream().filter(s -> !in.contains(s)).forEach(notInBackup::add);
                    if (!notInBackup.isEmpty()) {
                        ctx.log().warn("%d project schema(s) exist now but are not in %s; left untouched: %s",
                                notInBackup.size(), m.id(), notInBackup.size() > 20 ? notInBackup.subList(0, 20) + "…" : notInBackup);
                    }
                }
                return run(ctx, m, spec, targets, safety, notInBackup);
            } finally {
                SchemaCatalog.unlockAll(lock);
            }
        }
    }

    private TaskOutcome run(TaskContext ctx, Manifest m, RestoreSpec spec, List<String> targets, String safety,
                            List<String> notInBackup) throws Exception {
        List<SchemaResult> results = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String failure = null;
        for (int i = 0; i < targets.size(); i++) {
            String s = targets.get(i);
            if (failure != null || ctx.cancelled()) {
                results.add(new SchemaResult(s, "skipped", null, failure != null ? "not attempted after a failure" : "cancelled"));
                continue;
            }
            ctx.progress(i, targets.size(), "restoring " + s);
            try (Connection w = ds.getConnection()) {
                Map<String, Long> rows = restoreOne(ctx, w, m, m.schema(s).orElseThrow(), warnings);
                results.add(new SchemaResult(s, "restored", rows, null));
                ctx.log().info("restored %s (%d table(s), %d row(s))", s, rows.size(), rows.values().stream().mapToLong(Long::longValue).sum());
            } catch (Exception e) {
                failure = s + ": " + e.getMessage();
                ctx.log().error("restore of %s failed, original kept: %s", s, e.getMessage());
                results.add(new SchemaResult(s, "failed", null, e.getMessage()));
            }
        }
        notInBackup.forEach(s -> results.add(new SchemaResult(s, "untouched", null, "not in backup " + m.id())));
        ctx.progress(targets.size(), targets.size(), "done");
        long restored = results.stream().filter(r -> r.outcome().equals("restored")).count();
        RestoreResult result = new RestoreResult(m.id(), m.format(), spec.target().toString(), safety, results, notInBackup, warnings);
        String summary = "restored " + restored + " of " + targets.size() + " schema(s) from " + m.id()
                + (safety == null ? "" : " (safety backup " + safety + ")") + (failure == null ? "" : "; failed: " + failure);
        if (ctx.cancelled() && failure == null && restored < targets.size()) {
            throw new java.util.concurrent.CancellationException(summary);
        }
        return failure == null ? TaskOutcome.ok(summary, result)
                : restored == 0 ? TaskOutcome.failed(summary, result) : TaskOutcome.partial(summary, result);
    }

    /** Moves the live schema aside, restores, validates, finishes; puts the original back on any failure. */
    private Map<String, Long> restoreOne(TaskContext ctx, Connection w, Manifest m, Manifest.SchemaEntry e,
                                        List<String> warnings) throws Exception {
        String s = e.schema();
        SchemaSwap.Swap sw = swap.moveAside(w, s, m.id(), ctx.taskId());
        if (sw.aside() != null) {
            ctx.log().info("moved %s aside to %s", s, sw.aside());
        } else {
            ctx.log().info("%s does not exist now: recreating it", s);
        }
        try {
            Path file = store.file(m, e.file());
            if (Manifest.PROTOTYPE.equals(m.format())) {
                List<String> cmd = pg.command(pg.props().getPsql(), pg.target().database(),
                        List.of("-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"));
                PgTools.Result r = pg.run(ctx, cmd, SchemaSwap.appName(s), null, os -> {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                        in.transferTo(os);
                    }
                });
                if (!r.ok()) {
                    throw new IllegalStateException("psql exited with " + r.exit() + ": " + r.tail());
                }
                if (!SchemaCatalog.exists(w, s)) {
                    throw new IllegalStateException(e.file() + " did not create schema " + s);
                }
                swap.adopt(w, sw);
            } else {
                swap.create(w, sw);
                List<String> cmd = pg.command(pg.props().getPgRestore(), pg.target().database(),
                        List.of("--exit-on-error", "--schema=" + s, file.toString()));
                PgTools.Result r = pg.run(ctx, cmd, SchemaSwap.appName(s), null, null);
                if (!r.ok()) {
                    throw new IllegalStateException("pg_restore exited with " + r.exit() + ": " + r.tail());
                }
            }
            Map<String, Long> rows = SchemaCatalog.rowCounts(w, s);
            if (e.tables() != null && !e.tables().equals(rows)) {
                throw new IllegalStateException("restored row counts differ from the manifest: " + diff(e.tables(), rows));
            }
            for (String warning : swap.finish(w, sw)) {
                ctx.log().warn(warning);
                warnings.add(warning);
            }
            if (!sw.incoming().isEmpty()) {
                ctx.log().info("re-created %d foreign key(s) of other schemas into %s", sw.incoming().size(), s);
            }
            return rows;
        } catch (Exception | Error x) {
            try {
                swap.putBack(w, s, sw.aside());
            } catch (SQLException y) {
                x.addSuppressed(y);
                ctx.log().error("could not put %s back (%s); the next start repairs it from the journal", s, y.getMessage());
            }
            throw x;
        }
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

    private static String diff(Map<String, Long> want, Map<String, Long> got) {
        List<String> d = new ArrayList<>();
        want.forEach((t, n) -> {
            if (!n.equals(got.get(t))) {
                d.add(t + " " + got.get(t) + " (want " + n + ")");
            }
        });
        got.keySet().stream().filter(t -> !want.containsKey(t)).forEach(t -> d.add(t + " unexpected"));
        return String.join(", ", d.size() > 10 ? d.subList(0, 10) : d);
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
