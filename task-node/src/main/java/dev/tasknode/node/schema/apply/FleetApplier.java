package dev.tasknode.node.schema.apply;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.db.PreMigrationBackup;
import dev.tasknode.node.db.SchemaLocks;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.SchemaMetrics;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.CatalogInspector;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.online.Leftovers;
import dev.tasknode.node.schema.online.OnlineMode;
import dev.tasknode.node.schema.online.OnlinePlanner;
import dev.tasknode.node.schema.online.OnlineWatch;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.validate.PlanValidator;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskFailedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Runs a fleet plan: optional pre-migration backup, per-schema advisory locks (taken in bulk on one coordinating
 * connection, so another node waits or finds the work done), a re-plan of the locked schemas (the fleet may have
 * moved since the first plan), the shared schema first and then the projects with bounded parallelism, and a
 * bulk re-inspection afterwards that checks the invariant: every changed schema now matches the model.
 */
@Component
public class FleetApplier {
    private final SchemaEngine engine;
    private final ObjectProvider<PreMigrationBackup> backups;
    private final SchemaRunner runner;
    private final PlanValidator validator;

    /**
     * @param online when statements on existing tables take their online forms (see schema/online)
     * @param gate   when set, it judges {@code expect} instead of this run (a fleet on several clusters: schema/fanout)
     */
    public record Options(String task, boolean allowDestructive, boolean backup, boolean dryRun, String expect,
                          boolean onlyCreates, OnlineMode online, PlanGate gate) {
        public Options(String task, boolean allowDestructive, boolean backup, boolean dryRun, String expect,
                       boolean onlyCreates) {
            this(task, allowDestructive, backup, dryRun, expect, onlyCreates, OnlineMode.AUTO);
        }

        public Options(String task, boolean allowDestructive, boolean backup, boolean dryRun, String expect,
                       boolean onlyCreates, OnlineMode online) {
            this(task, allowDestructive, backup, dryRun, expect, onlyCreates, online, null);
        }

        public Options withGate(PlanGate g) {
            return new Options(task, allowDestructive, backup, dryRun, expect, onlyCreates, online, g);
        }
    }

    /** What the runs of one task on several clusters share (schema/fanout). */
    public interface PlanGate {
        /** Called once the run has planned, before anything changes: judges {@code expect}; throws to stop the run. */
        void planned(String cluster, String fingerprint) throws Exception;

        /** Plan validation verdicts by change set, shared by the clusters (see validate/SharedVerdicts); null = none. */
        default Map<String, java.util.concurrent.CompletableFuture<String>> verdicts() {
            return null;
        }
    }

    public FleetApplier(SchemaEngine engine, ObjectProvider<PreMigrationBackup> backups) {
        this.engine = engine;
        this.backups = backups;
        this.runner = new SchemaRunner(engine);
        this.validator = new PlanValidator(engine);
    }

    public SchemaEngine engine() {
        return engine;
    }

    public Results.ApplyReport run(TaskContext ctx, Scope scope, Options o) throws Exception {
        String shared = engine.fleet().sharedSchema();
        List<String> schemas;
        SchemaEngine.FleetPlan fp;
        Map<String, Map<String, String>> invalid;
        long mark;
        long planStart = System.nanoTime();
        try (Connection c = engine.dataSource().getConnection()) {
            mark = engine.history().mark(c);
            schemas = new ArrayList<>(engine.schemas(c, scope));
            if (o.onlyCreates() && scope instanceof Scope.Project) {
                schemas.addFirst(shared); // a new project's foreign keys need the shared tables
            }
            fp = engine.plan(c, schemas, o.onlyCreates());
            invalid = leftovers(c, schemas, o);
        }
        if (o.gate() != null) {
            o.gate().planned(engine.cluster(), fp.fingerprint());
        } else if (o.expect() != null && !o.expect().isBlank() && !o.expect().equals(fp.fingerprint())) {
            throw new TaskFailedException(ErrorCode.CONFLICT, "the schemas or the model changed since the proposal "
                    + o.expect() + " (now " + fp.fingerprint() + "): review propose_migrations again; nothing was changed");
        }
        Map<String, SchemaEngine.Group> bySchema = fp.bySchema();
        Map<String, Map<String, String>> leftover = invalid;
        List<String> toChange = schemas.stream().filter(s -> !bySchema.get(s).plan().isEmpty() || leftover.containsKey(s))
                .toList();
        leftover.forEach((s, idx) -> ctx.log().warn("%s: invalid index(es) left by an interrupted build, to be dropped "
                + "and built again: %s", s, String.join(", ", idx.keySet())));
        ctx.log().info("%s: %d schemas, %d to change, %d distinct change sets, proposal %s (planned in %d ms)", o.task(),
                schemas.size(), toChange.size(), fp.groups().stream().filter(g -> !g.plan().isEmpty()).count(),
                fp.fingerprint(), (System.nanoTime() - planStart) / 1_000_000);
        for (SchemaEngine.Group g : fp.groups()) {
            if (!g.plan().isEmpty()) {
                ctx.log().info("change set %s for %d %s schema(s) (%s%s):\n%s", g.fingerprint(), g.schemas().size(),
                        g.kind().folder(), g.schemas().getFirst(), g.schemas().size() > 1 ? ", ..." : "", g.plan().script());
            }
        }
        Map<String, Results.SchemaOutcome> outcomes = new LinkedHashMap<>();
        schemas.forEach(s -> outcomes.put(s, unchanged(s, bySchema.get(s))));
        String backupId = null;
        if (o.dryRun()) {
            try (Connection c = engine.dataSource().getConnection()) {
                for (String s : toChange) {
                    outcomes.put(s, runner.dryRun(c, s, bySchema.get(s), invalid.getOrDefault(s, Map.of()), o));
                }
            }
        } else if (!toChange.isEmpty()) {
            if (o.backup()) {
                PreMigrationBackup b = backups.getIfAvailable();
                if (b == null) {
                    ctx.log().warn("no backup feature in this node: migrating without a pre-migration backup");
                } else {
                    try {
                        backupId = b.backupBeforeMigration(ctx, engine.cluster(), toChange);
                        ctx.log().info("pre-migration backup %s taken of %d schema(s)", backupId, toChange.size());
                    } catch (Exception e) {
                        throw new TaskFailedException(ErrorCode.TASK_FAILED, "pre-migration backup failed, nothing was "
                                + "changed (backup=false skips it): " + e.getMessage());
                    }
                }
            }
            try {
                migrate(ctx, o, toChange, bySchema, mark, outcomes);
            } catch (SQLException e) {
                // the database went away mid-run (its connections are gone): what each schema did so far goes with it
                throw new CutShort(e, toChange, outcomes);
            }
            if (ctx.cancelled()) {
                long done = outcomes.values().stream().filter(r -> r.outcome().equals("applied")).count();
                ctx.log().warn("cancelled: %d schema(s) were migrated and recorded before the stop, the rest not started", done);
                ctx.checkCancelled();
            }
        }
        return report(o, fp.fingerprint(), backupId, outcomes);
    }

    private void migrate(TaskContext ctx, Options o, List<String> toChange, Map<String, SchemaEngine.Group> planned,
                         long mark, Map<String, Results.SchemaOutcome> outcomes) throws Exception {
        String shared = engine.fleet().sharedSchema();
        List<String> order = new ArrayList<>(toChange);
        if (order.remove(shared)) {
            order.addFirst(shared); // the first round runs the shared schema before any project
        }
        // rounds of locks: session advisory locks live in the server's lock table, max_locks_per_transaction ×
        // max_connections entries for all sessions (6,400 by default), and 10,000 schemas locked at once ran out of
        // shared memory. A round validates only the change sets no earlier round validated.
        int size = engine.props().getAdvisoryLockRound();
        Map<SchemaEngine.Group, String> verdicts = new IdentityHashMap<>(); // change set -> why unplannable ("" = fine)
        for (int i = 0; i < order.size() && !ctx.cancelled(); i += size) {
            List<String> round = order.subList(i, Math.min(order.size(), i + size));
            if (order.size() > size) {
                ctx.log().info("schemas %d-%d of %d: locking", i + 1, i + round.size(), order.size());
            }
            migrateRound(ctx, o, round, planned, mark, outcomes, verdicts);
        }
    }

    private void migrateRound(TaskContext ctx, Options o, List<String> toChange, Map<String, SchemaEngine.Group> planned,
                              long mark, Map<String, Results.SchemaOutcome> outcomes,
                              Map<SchemaEngine.Group, String> verdicts) throws Exception {
        long tl = System.nanoTime();
        try (Connection lockConn = engine.dataSource().getConnection()) {
            Set<String> locked = SchemaLocks.lockAll(lockConn, toChange, engine.props().getAdvisoryLockWait());
            long tv = System.nanoTime(); // locked: what follows up to t0 re-plans what moved and validates change sets
            try {
                for (String s : toChange) {
                    if (!locked.contains(s)) {
                        outcomes.put(s, failed(s, "busy", "another run (apply, backup or restore, on any node) holds the schema's lock, or the fleet lock"
                                + " for a whole-fleet backup or restore (still busy after "
                                + engine.props().getAdvisoryLockWait() + ")"));
                    }
                }
                // re-plan under the locks what another run changed meanwhile (every run writes history rows in the
                // schema's own transaction, so the rows tell which schemas moved without inspecting them all again)
                Map<String, SchemaEngine.Group> groups = new HashMap<>(planned);
                java.util.Set<String> moved = engine.history().changedSince(lockConn, mark, locked);
                if (!moved.isEmpty()) {
                    ctx.log().info("%d schema(s) were changed by another run since the plan: planning them again", moved.size());
                    groups.putAll(engine.plan(lockConn, List.copyOf(moved), o.onlyCreates()).bySchema());
                }
                Map<String, Map<String, String>> invalid = leftovers(lockConn, locked, o);
                List<String> work = locked.stream().filter(s -> !groups.get(s).plan().isEmpty() || invalid.containsKey(s))
                        .toList();
                Set<String> working = new HashSet<>(work); // a list's contains() here was quadratic in the fleet
                for (String s : locked) {
                    if (!working.contains(s)) {
                        outcomes.put(s, unchanged(s, groups.get(s)));
                    }
                }
                // each change set first runs on a scratch copy of its state; a group that does not reach the model
                // stays untouched (a change set an earlier round validated is not run again)
                List<String> fresh = work.stream().filter(s -> !verdicts.containsKey(groups.get(s))).toList();
                Map<String, String> found = validator.unplannable(ctx, fresh, groups, o);
                fresh.forEach(s -> verdicts.put(groups.get(s), found.getOrDefault(s, "")));
                Map<String, String> unplannable = new HashMap<>();
                work.forEach(s -> {
                    String why = verdicts.get(groups.get(s));
                    if (why != null && !why.isEmpty()) {
                        unplannable.put(s, why);
                    }
                });
                unplannable.forEach((s, why) -> outcomes.put(s, failed(s, "unplannable", why)));
                work = work.stream().filter(s -> !unplannable.containsKey(s)).toList();
                Map<String, Long> historyIds;
                long t0 = System.nanoTime();
                // the coordinating connection is idle while the schemas run: it watches their sessions meanwhile
                try (OnlineWatch watch = OnlineWatch.start(lockConn)) {
                    historyIds = execute(ctx, o, work, groups, invalid, watch, outcomes);
                }
                long t1 = System.nanoTime();
                verify(lockConn, work, historyIds, outcomes, o);
                // where a round's time goes (a slow apply says which part: waiting for locks, validating, running)
                ctx.log().info("%d schema(s) locked in %d ms, validated in %d ms, run in %d ms, checked against the model"
                        + " in %d ms", work.size(), (tv - tl) / 1_000_000, (t0 - tv) / 1_000_000, (t1 - t0) / 1_000_000,
                        (System.nanoTime() - t1) / 1_000_000);
            } finally {
                SchemaLocks.unlockAll(lockConn, locked);
            }
        }
    }

    private Map<String, Long> execute(TaskContext ctx, Options o, List<String> work, Map<String, SchemaEngine.Group> groups,
                                      Map<String, Map<String, String>> invalid, OnlineWatch watch,
                                      Map<String, Results.SchemaOutcome> outcomes) throws Exception {
        Map<String, Long> ids = new HashMap<>();
        AtomicLong done = new AtomicLong();
        long total = work.size();
        String shared = engine.fleet().sharedSchema();
        ctx.progress(0, total, "schemas");
        // shared first: project changes may reference its new tables or columns
        if (work.contains(shared) && !ctx.cancelled()) {
            SchemaRunner.Ran r = runner.apply(ctx, shared, groups.get(shared), invalid.getOrDefault(shared, Map.of()), o, watch);
            outcomes.put(shared, r.outcome());
            if (r.historyId() != null) {
                ids.put(shared, r.historyId());
            }
            ctx.progress(done.incrementAndGet(), total, "schemas");
        }
        int threads = Math.max(1, Math.min(engine.parallelism(), work.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("schema-apply-", 0).factory());
        try {
            Map<String, Future<SchemaRunner.Ran>> futures = new LinkedHashMap<>();
            for (String s : work) {
                if (s.equals(shared)) {
                    continue;
                }
                futures.put(s, pool.submit(() -> {
                    if (ctx.cancelled()) {
                        return new SchemaRunner.Ran(failed(s, "cancelled", "the task was cancelled before this schema"), null);
                    }
                    SchemaRunner.Ran r = runner.apply(ctx, s, groups.get(s), invalid.getOrDefault(s, Map.of()), o, watch);
                    ctx.progress(done.incrementAndGet(), total, "schemas");
                    return r;
                }));
            }
            for (var e : futures.entrySet()) {
                SchemaRunner.Ran r = e.getValue().get();
                outcomes.put(e.getKey(), r.outcome());
                if (r.historyId() != null) {
                    ids.put(e.getKey(), r.historyId());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return ids;
    }

    /** The invariant, checked in production: re-inspect every changed schema, compare with the model. */
    private void verify(Connection c, List<String> work, Map<String, Long> ids, Map<String, Results.SchemaOutcome> outcomes,
                        Options o) throws SQLException {
        List<String> changed = work.stream().filter(ids::containsKey).toList();
        Map<Long, String> after = new HashMap<>();
        Map<Long, Boolean> matches = new HashMap<>();
        // one diff per distinct state, as the plan groups them: nothing left for one fingerprint is nothing left for
        // all (row estimates, which the fingerprint leaves out, change how a step runs, never whether there is one)
        Map<String, Boolean> clean = new HashMap<>();
        engine.inspect(c, changed, CatalogInspector.Detail.FULL, cats -> {
            Map<String, Map<String, String>> invalid = leftovers(c, cats.keySet(), o);
            for (String s : cats.keySet()) {
                Catalog.Schema cat = cats.get(s);
                String fp = cat.fingerprint();
                ModelSet.Kind kind = engine.kindOf(s);
                Map<String, String> broken = invalid.getOrDefault(s, Map.of());
                int left = 0;
                if (!broken.isEmpty() || !clean.getOrDefault(kind + fp, false)) {
                    Plan rest = Differ.plan(cat, engine.desiredFor(kind), engine.props().getLargeTableRows());
                    if (o.onlyCreates()) {
                        rest = rest.onlyCreates();
                    }
                    // what is left in the forms apply would run (an invalid index left by a build counts too)
                    left = OnlinePlanner.rewrite(rest, cat, engine.desiredFor(kind), broken, o.online(),
                            engine.props().getLargeTableRows()).size();
                    if (broken.isEmpty()) {
                        clean.put(kind + fp, left == 0);
                    }
                }
                outcomes.put(s, outcomes.get(s).verified(fp, left == 0, left));
                after.put(ids.get(s), fp);
                matches.put(ids.get(s), left == 0);
            }
        });
        engine.history().finish(c, after, matches);
        Map<String, String> states = new HashMap<>();
        for (String s : work) {
            Results.SchemaOutcome r = outcomes.get(s);
            states.put(s, "failed".equals(r.outcome()) ? SchemaMetrics.FAILED
                    : Boolean.TRUE.equals(r.matchesModel()) ? SchemaMetrics.UP_TO_DATE
                    : r.skipped() != null && !r.skipped().isEmpty() ? SchemaMetrics.DRIFTED : SchemaMetrics.PENDING);
        }
        engine.metrics().update(states, false);
    }

    /** Invalid indexes left by interrupted online builds; create_tables only creates, it leaves them to apply. */
    private static Map<String, Map<String, String>> leftovers(Connection c, java.util.Collection<String> schemas, Options o)
            throws SQLException {
        return o.onlyCreates() ? Map.of() : Leftovers.invalidIndexes(c, schemas);
    }

    /**
     * A run that lost its database in the middle: the same error, plus the outcomes known when it was lost (schemas of
     * {@code toChange} not marked applied or failed had not run, or their result was lost), for a caller that reports
     * them (several clusters: schema/fanout). One node with one database still fails the task with the error.
     */
    public static final class CutShort extends SQLException {
        private final List<String> toChange;
        private final Map<String, Results.SchemaOutcome> outcomes;

        CutShort(SQLException cause, List<String> toChange, Map<String, Results.SchemaOutcome> outcomes) {
            super(cause.getMessage(), cause.getSQLState(), cause);
            this.toChange = List.copyOf(toChange);
            this.outcomes = new LinkedHashMap<>(outcomes);
        }

        public List<String> toChange() {
            return toChange;
        }

        public Map<String, Results.SchemaOutcome> outcomes() {
            return outcomes;
        }
    }

    static Results.SchemaOutcome unchanged(String s, SchemaEngine.Group g) {
        return new Results.SchemaOutcome(s, "unchanged", 0, null, g.fingerprint(), null, g.plan().isEmpty() ? true : null,
                null, 0, 0, null);
    }

    static Results.SchemaOutcome failed(String s, String outcome, String error) {
        return new Results.SchemaOutcome(s, outcome, 0, null, null, null, null, null, 0, 0, error);
    }

    private static Results.ApplyReport report(Options o, String fingerprint, String backupId,
                                              Map<String, Results.SchemaOutcome> outcomes) {
        int changed = 0, unchanged = 0, failed = 0, skipped = 0;
        boolean allMatch = true;
        for (Results.SchemaOutcome r : outcomes.values()) {
            switch (r.outcome()) {
                case "applied", "would_apply" -> changed++;
                case "unchanged", "skipped" -> unchanged++;
                default -> failed++;
            }
            skipped += r.skipped() == null ? 0 : r.skipped().size();
            if (!Boolean.TRUE.equals(r.matchesModel()) && !o.dryRun()) {
                allMatch = false;
            }
        }
        return new Results.ApplyReport(o.task(), o.dryRun(), o.allowDestructive(), fingerprint, backupId, outcomes.size(),
                changed, unchanged, failed, skipped, allMatch && !o.dryRun(), List.copyOf(outcomes.values()));
    }
}
