package dev.tasknode.node.backup.restore;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.RestoreSpec;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.backup.BackupClusters;
import dev.tasknode.node.backup.BackupClusters.Site;
import dev.tasknode.node.backup.dump.BackupService;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.cluster.ClusterRegistry;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskOutcome;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * restore_database. Everything that can refuse is checked before anything is touched: the backup exists, holds
 * the schema, its files match their checksums, the schemas' advisory locks are free, the safety backup is
 * complete. Then each schema is replaced through {@link SchemaRestorer} (moved aside, restored, row counts checked
 * against the manifest, aside copy dropped — or put back on any failure). The shared schema goes first and alone
 * (project foreign keys reference it), then the projects in parallel. A failing schema fails alone: the others go
 * on, and the run ends partial. A cancelled run ends cancelled, every schema restored or as it was. With several
 * clusters each schema goes back to the cluster it was backed up from (each cluster's shared first), every cluster's
 * schemas locked and checked before any is touched; {@code target_cluster} moves one project ({@link TenantMove}).
 */
@Service
public class RestoreService {
    /** outcome: restored | failed | cancelled (left as it was) | skipped (not attempted) | untouched (not in backup). */
    public record SchemaResult(String schema, String outcome, Map<String, Long> rows, String message, String cluster) {
        public SchemaResult(String schema, String outcome, Map<String, Long> rows, String message) {
            this(schema, outcome, rows, message, null);
        }

        SchemaResult on(String c) {
            return new SchemaResult(schema, outcome, rows, message, c);
        }
    }

    /**
     * {@code kept}: the replaced copies kept as the way back (list_backups shows them), until {@code keptUntil}.
     * {@code moved}: set when the restore moved a project to another cluster ({@code target_cluster}).
     */
    public record RestoreResult(String backupId, String format, String target, String safetyBackup,
                                List<SchemaResult> schemas, List<String> notInBackup, List<String> warnings,
                                List<String> kept, String keptUntil, Moved moved) {}

    /**
     * A project moved by restore: restored on {@code to}; its copy on {@code from} (if there was one) kept as
     * {@code keptAs} until {@code keptUntil}; {@code placement} says what the user must change.
     */
    public record Moved(String schema, String from, String to, String keptAs, String keptUntil, String placement) {}

    static final String RESTORED = "restored";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";
    static final String UNTOUCHED = "untouched";
    static final String SKIPPED = "skipped";

    private final BackupClusters clusters;
    private final BackupStore store;
    private final BackupService backups;
    private final SchemaSwap swap;
    private final Map<String, SchemaRestorer> restorers = new ConcurrentHashMap<>();
    private final TenantMove move;

    /** One cluster, wired by hand (tests). */
    public RestoreService(DataSource ds, Fleet fleet, BackupStore store, BackupService backups, SchemaSwap swap, PgTools pg) {
        this(BackupClusters.single(ds, fleet, pg), store, backups, swap);
    }

    @Autowired
    public RestoreService(BackupClusters clusters, BackupStore store, BackupService backups, SchemaSwap swap) {
        this.clusters = clusters;
        this.store = store;
        this.backups = backups;
        this.swap = swap;
        this.move = new TenantMove(clusters, swap);
    }

    public TaskOutcome restore(TaskContext ctx, RestoreSpec spec, boolean safetyBackup) throws Exception {
        return restore(ctx, spec, safetyBackup, false);
    }

    public TaskOutcome restore(TaskContext ctx, RestoreSpec spec, boolean safetyBackup, boolean safetyDump) throws Exception {
        return restore(ctx, spec, safetyBackup, safetyDump, null);
    }

    /** One cluster's share of a restore, its schemas locked on {@code lock} once prepared. */
    private static final class Group {
        final Site site;
        final List<String> targets = new ArrayList<>();
        final List<String> notInBackup = new ArrayList<>();
        Connection lock;
        String safety;
        SchemaSwap.Keep keep;
        String down;

        Group(Site site) {
            this.site = site;
        }
    }

    /**
     * {@code safetyBackup}: keep a way back — each replaced schema is kept, renamed, for
     * {@code tasknode.backup.keep-replaced} (a rename in the restore's last transaction: no dump, survives a crash);
     * with keep-replaced 0 a safety pg_dump is taken instead. {@code safetyDump}: take that pg_dump as well. Each
     * schema goes back to the cluster it was backed up from, or to {@code targetCluster} (one project: a move).
     */
    public TaskOutcome restore(TaskContext ctx, RestoreSpec spec, boolean safetyBackup, boolean safetyDump,
                               String targetCluster) throws Exception {
        Manifest m = store.get(spec.backupId());
        Site to = targetCluster == null || targetCluster.isBlank() ? null : clusters.site(targetCluster.strip());
        if (to != null && !(spec.target() instanceof Scope.Project)) {
            throw new TaskFailedException(ErrorCode.BAD_REQUEST, "target_cluster moves one project: name it in the spec ("
                    + m.id() + ":<project id>); nothing was touched");
        }
        if (to != null && clusters.single()) {
            to = null; // the only cluster: nowhere else to move to, an ordinary restore
        }
        List<Manifest.SchemaEntry> entries = targets(m, spec.target());
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Manifest.SchemaEntry e : entries) {
            String dest = to != null ? to.name() : e.clusterName();
            Site site = clusters.find(dest).orElseThrow(() -> new TaskFailedException(ErrorCode.BAD_REQUEST, "backup " + m.id()
                    + " holds " + e.schema() + " of cluster " + dest + ", which is not configured (configured: "
                    + clusters.names() + "); restore a project of it with target_cluster; nothing was touched"));
            groups.computeIfAbsent(dest, k -> new Group(site)).targets.add(e.schema());
        }
        Site from = move.source(m, entries, to);
        Moved moveTo = to == null || from == to ? null : new Moved(entries.getFirst().schema(), from == null ? null : from.name(),
                to.name(), null, null, null);
        List<Manifest.FileEntry> files = m.files().stream().filter(f -> entries.stream().anyMatch(e -> e.clusterName()
                .equals(f.clusterName()) && f.schemas().contains(e.schema()))).toList();
        ctx.log().info("restore from %s (%s, %s): %s%s; checking %d file(s)", m.id(), m.format(), m.status(),
                entries.size() == 1 ? entries.get(0).schema() : entries.size() + " schemas",
                moveTo == null ? "" : " onto cluster " + to.name() + (from == null ? "" : ", moving it from cluster " + from.name()),
                files.size());
        List<String> problems = store.check(m, files);
        if (!problems.isEmpty()) {
            problems.forEach(p -> ctx.log().error(p));
            throw new TaskFailedException(ErrorCode.TASK_FAILED, "backup " + m.id() + " is damaged, nothing was touched: "
                    + String.join("; ", problems));
        }
        Connection sourceLock = null;
        try {
            for (Group g : groups.values()) {
                prepare(ctx, m, spec, g, safetyBackup, safetyDump);
            }
            if (moveTo != null && from != null) {
                // the source copy stays as it is until the new one is restored: no apply or backup may change it meanwhile
                sourceLock = from.ds().getConnection();
                SchemaCatalog.Busy busy = SchemaCatalog.lockAll(sourceLock, List.of(moveTo.schema()),
                        from.pg().props().getSchemaLockWait(), from.pg().props().getFleetLockAbove());
                if (!busy.none()) {
                    throw new TaskFailedException(ErrorCode.CONFLICT, "schema " + moveTo.schema() + " is busy on cluster "
                            + from.name() + ": " + busy.why() + "; nothing was touched");
                }
            }
            ctx.checkCancelled(); // nothing touched yet
            List<SchemaResult> results = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            List<String> safety = new ArrayList<>();
            List<String> notInBackup = new ArrayList<>();
            java.time.Instant until = null;
            for (Group g : groups.values()) {
                if (g.down != null) {
                    g.targets.forEach(t -> results.add(new SchemaResult(t, FAILED, null, g.down, g.site.name())));
                    continue;
                }
                ParallelRestore.Done done = new ParallelRestore(g.site.ds(), restorer(g.site), ctx, m.onCluster(
                        to != null ? entries.getFirst().clusterName() : g.site.name()), g.keep)
                        .run(g.targets, g.site.fleet().sharedSchema(), g.site.workers());
                done.results().forEach(r -> results.add(r.on(g.site.name())));
                g.notInBackup.forEach(x -> results.add(new SchemaResult(x, UNTOUCHED, null, "not in backup " + m.id(), g.site.name())));
                warnings.addAll(done.warnings());
                notInBackup.addAll(g.notInBackup);
                if (g.safety != null) {
                    safety.add(g.safety);
                }
                if (g.keep != null) {
                    kept.addAll(g.keep.kept());
                    until = g.keep.until();
                }
            }
            Moved moved = null;
            if (moveTo != null && results.stream().allMatch(r -> r.outcome().equals(RESTORED))) {
                moved = move.finish(ctx, m, moveTo, from, sourceLock);
            }
            return outcome(ctx, m, spec, entries.size(), safety.isEmpty() ? null : String.join(",", safety), kept,
                    until, notInBackup, results, warnings, moved);
        } finally {
            for (Group g : groups.values()) {
                if (g.lock != null) {
                    try (Connection c = g.lock) {
                        SchemaCatalog.unlockAll(c);
                    } catch (java.sql.SQLException e) {
                        ctx.log().warn("cluster %s: %s (a closed session holds no locks)", g.site.name(), e.getMessage());
                    }
                }
            }
            if (sourceLock != null) {
                try (Connection c = sourceLock) {
                    SchemaCatalog.unlockAll(c);
                }
            }
        }
    }

    /** Locks, repairs and the safety dump of one cluster's schemas; a cluster that cannot be reached is down. */
    private void prepare(TaskContext ctx, Manifest m, RestoreSpec spec, Group g, boolean safetyBackup, boolean safetyDump)
            throws Exception {
        Site site = g.site;
        PgTools pg = site.pg();
        String on = site.home() ? "" : " on cluster " + site.name();
        try {
            if (!site.home()) {
                clusters.registry().ensureStore(site.cluster());
            }
            g.lock = site.ds().getConnection();
        } catch (java.sql.SQLException e) {
            g.down = "cluster " + site.name() + " is down: " + ClusterRegistry.describe(e);
            ctx.log().error("%s; its %d schema(s) are not restored, the other clusters go on", g.down, g.targets.size());
            return;
        }
        SchemaCatalog.Busy busy = SchemaCatalog.lockAll(g.lock, g.targets, pg.props().getSchemaLockWait(),
                pg.props().getFleetLockAbove());
        if (!busy.none()) {
            throw new TaskFailedException(ErrorCode.CONFLICT, busy.schemas().size() + " schema(s)" + on + " are busy ("
                    + busy.why() + "): " + dev.tasknode.contracts.Text.clip(String.join(", ", busy.schemas()))
                    + "; nothing was touched");
        }
        java.time.Instant until = java.time.Instant.now().plus(pg.props().getKeepReplaced()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        boolean keepCopies = safetyBackup && !pg.props().getKeepReplaced().isZero();
        g.keep = keepCopies ? new SchemaSwap.Keep(m.id(), ctx.taskId(), until, java.util.Collections.synchronizedList(new ArrayList<>())) : null;
        try (Connection w = site.ds().getConnection()) {
            List<String> repaired = swap.repair(w, g.targets);
            repaired.forEach(s -> ctx.log().warn("an earlier restore of %s%s had been cut off; put the original back", s, on));
            List<String> live = new ArrayList<>(SchemaCatalog.existing(w, g.targets));
            if ((safetyDump || (safetyBackup && !keepCopies)) && !live.isEmpty()) {
                ctx.log().info("safety backup of %d schema(s)%s about to be replaced", live.size(), on);
                Manifest sb = backups.backupSchemas(ctx, site, live, live.toString(), "safety", false);
                if (!Manifest.COMPLETE.equals(sb.status())) {
                    throw new TaskFailedException(ErrorCode.TASK_FAILED, "safety backup " + sb.id() + " is " + sb.status()
                            + "; nothing was touched");
                }
                g.safety = sb.id();
            } else if (!safetyBackup) {
                ctx.log().warn("no safety backup (safety_backup=false): the replaced schemas%s are dropped", on);
            }
            if (keepCopies && !live.isEmpty()) {
                ctx.log().info("the way back: each replaced schema%s is kept as _replaced_<schema>_<hex> until %s"
                        + " (tasknode.backup.keep-replaced %s; list_backups shows them, prune_backups drops them)",
                        on, until, pg.props().getKeepReplaced());
            }
            if (spec.target() instanceof Scope.All) {
                Set<String> in = Set.copyOf(g.targets);
                site.fleet().existingProjectSchemas(w).stream().filter(s -> !in.contains(s)).forEach(g.notInBackup::add);
                if (!g.notInBackup.isEmpty()) {
                    ctx.log().warn("%d project schema(s)%s exist now but are not in %s; left untouched: %s", g.notInBackup.size(),
                            on, m.id(), g.notInBackup.size() > 20 ? g.notInBackup.subList(0, 20) + "…" : g.notInBackup);
                }
            }
        }
    }

    private SchemaRestorer restorer(Site site) {
        return restorers.computeIfAbsent(site.name(), n -> new SchemaRestorer(store, swap, site.pg()));
    }

    private TaskOutcome outcome(TaskContext ctx, Manifest m, RestoreSpec spec, int total, String safety, List<String> kept,
                                java.time.Instant until, List<String> notInBackup, List<SchemaResult> results,
                                List<String> warnings, Moved moved) {
        ctx.progress(total, total, "done");
        long restored = count(results, RESTORED);
        long cancelled = count(results, CANCELLED);
        long failed = total - restored - cancelled; // failed, or skipped: not restored either way
        RestoreResult result = new RestoreResult(m.id(), m.format(), spec.target().toString(), safety, results, notInBackup,
                List.copyOf(warnings), List.copyOf(kept), kept.isEmpty() ? null : until.toString(), moved);
        String firstFailure = results.stream().filter(r -> !List.of(RESTORED, CANCELLED, UNTOUCHED).contains(r.outcome()))
                .findFirst().map(r -> r.schema() + ": " + r.message()).orElse(null);
        String summary = "restored " + restored + " of " + total + " schema(s) from " + m.id()
                + (safety == null ? "" : " (safety backup " + safety + ")")
                + (kept.isEmpty() ? "" : " (replaced copies kept until " + until + ": " + (kept.size() == 1 ? kept.get(0)
                        : kept.size() + " schemas") + ")")
                + (moved == null ? "" : "; moved to cluster " + moved.to() + (moved.keptAs() == null ? ""
                        : ", the copy on " + moved.from() + " kept as " + moved.keptAs() + " until " + moved.keptUntil())
                        + "; " + moved.placement())
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
        boolean moveIncomplete = moved != null && moved.from() != null && moved.keptAs() == null;
        return failed == 0 && !moveIncomplete ? TaskOutcome.ok(summary, result)
                : restored == 0 ? TaskOutcome.failed(summary, result) : TaskOutcome.partial(summary, result);
    }

    private static long count(List<SchemaResult> results, String outcome) {
        return results.stream().filter(r -> r.outcome().equals(outcome)).count();
    }

    /**
     * The entries to restore, in the backup's order (each cluster's shared first); refuses what the backup does not
     * hold. {@code shared} means the shared schema of every cluster in the backup.
     */
    private List<Manifest.SchemaEntry> targets(Manifest m, Scope target) {
        String shared = clusters.home().fleet().sharedSchema();
        List<Manifest.SchemaEntry> out = switch (target) {
            case Scope.All a -> m.schemas().stream().filter(Manifest.SchemaEntry::ok).toList();
            case Scope.Shared s -> named(m, shared);
            case Scope.Project p -> named(m, clusters.home().fleet().projectSchema(p.id()));
        };
        if (out.isEmpty()) {
            throw new TaskFailedException(ErrorCode.NOT_FOUND, "backup " + m.id() + " holds no restorable schema (status "
                    + m.status() + ")");
        }
        for (Manifest.SchemaEntry e : out) {
            if (e.schema().equals(swap.storeSchema())) {
                throw new TaskFailedException(ErrorCode.BAD_REQUEST, "the node's own schema " + e.schema() + " is never restored");
            }
            if (!e.ok()) {
                throw new TaskFailedException(ErrorCode.NOT_FOUND, "schema " + e.schema() + (Manifest.DEFAULT_CLUSTER.equals(
                        e.clusterName()) ? "" : " of cluster " + e.clusterName()) + " failed in backup " + m.id() + " ("
                        + e.error() + "); nothing was touched");
            }
        }
        return out;
    }

    private static List<Manifest.SchemaEntry> named(Manifest m, String schema) {
        List<Manifest.SchemaEntry> out = m.schemas().stream().filter(e -> e.schema().equals(schema)).toList();
        if (out.isEmpty()) {
            throw new TaskFailedException(ErrorCode.NOT_FOUND, "backup " + m.id() + " does not contain schema " + schema
                    + "; nothing was touched (show_backup " + m.id() + " lists its schemas)");
        }
        return out;
    }

    /** For tests and the start-up runner: roll back every restore cut off mid-way, on every cluster. */
    public List<String> repairAll() throws Exception {
        List<String> out = new ArrayList<>();
        for (Site site : clusters.all()) {
            try (Connection c = site.ds().getConnection()) {
                swap.repair(c, null).forEach(s -> out.add(site.home() ? s : site.name() + ":" + s));
            } catch (java.sql.SQLException e) {
                if (site.home()) {
                    throw e;
                }
                // repaired before the next restore of each of its schemas, under their locks
                LoggerFactory.getLogger(RestoreService.class).warn("cluster {}: restore repair not possible now ({}); it runs"
                        + " before the next restore of each schema there", site.name(), ClusterRegistry.describe(e));
            }
        }
        return out;
    }

    static String quote(String s) {
        return Fleet.quote(s);
    }
}
