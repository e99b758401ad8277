package dev.tasknode.node.schema.apply;

import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.online.OnlinePlan;
import dev.tasknode.node.schema.online.OnlinePlanner;
import dev.tasknode.node.schema.online.OnlineRunner;
import dev.tasknode.node.schema.online.OnlineWatch;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.task.TaskContext;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Migrates one schema: one transaction, all or nothing, under {@code SET LOCAL lock_timeout}; a statement that
 * waits too long for a table lock rolls the schema back and it is tried again after a jittered pause, a bounded
 * number of times. Data checks run first, in the same transaction; a check that reads what the plan creates runs
 * right before its statement (one of an online step: at the end of the transaction, before the commit), so a finding
 * still rolls everything back. The history row commits with the change. Then the online steps, if the plan has any ({@link OnlineRunner}).
 */
final class SchemaRunner {
    private final SchemaEngine engine;

    SchemaRunner(SchemaEngine engine) {
        this.engine = engine;
    }

    record Ran(Results.SchemaOutcome outcome, Long historyId) {}

    /** The schema's plan in its online forms (see {@link OnlinePlanner}), destructive items set aside unless allowed. */
    private record Split(OnlinePlan run, List<OnlinePlan.Item> skipped) {}

    private Split split(SchemaEngine.Group g, Map<String, String> invalid, FleetApplier.Options o) throws SQLException {
        OnlinePlan full = OnlinePlanner.rewrite(g.plan(), g.sample(), engine.desiredFor(g.kind()), invalid, o.online(),
                engine.props().getLargeTableRows());
        List<OnlinePlan.Item> skipped = full.all().stream().filter(i -> !allowed(i, o)).toList();
        return new Split(full.filter(i -> allowed(i, o)), skipped);
    }

    private static boolean allowed(OnlinePlan.Item i, FleetApplier.Options o) {
        return i.safety() != Step.Safety.DESTRUCTIVE || o.allowDestructive();
    }

    private List<String> bound(List<OnlinePlan.Item> items, String schema) {
        return items.stream().flatMap(i -> i.sqls().stream()).map(s -> Plan.bind(s, schema, engine.fleet().sharedSchema()))
                .toList();
    }

    /** One line per online step (a step of two statements commits them together). */
    private List<String> steps(List<OnlinePlan.Item> items, String schema) {
        return items.stream().map(i -> String.join("; ", bound(List.of(i), schema))).toList();
    }

    Results.SchemaOutcome dryRun(Connection c, String schema, SchemaEngine.Group g, Map<String, String> invalid,
                                 FleetApplier.Options o) throws SQLException {
        Split sp = split(g, invalid, o);
        // a check on what the plan creates cannot run yet: propose says when it runs (StatementView.checkRuns)
        List<Results.CheckFinding> f = engine.checks(c, sp.run().checks(), List.of(schema));
        String error = f.isEmpty() ? null : describe(f);
        return new Results.SchemaOutcome(schema, f.isEmpty() ? "would_apply" : "would_fail", sp.run().size(),
                bound(sp.skipped(), schema), g.fingerprint(), null, null, null, 0, 0, error, null,
                sp.run().online().isEmpty() ? null : steps(sp.run().online(), schema));
    }

    /**
     * The schema's transaction (data checks of every statement first, then the transactional part and its history
     * row), then its online steps, each recorded as it completes.
     */
    Ran apply(TaskContext ctx, String schema, SchemaEngine.Group g, Map<String, String> invalid, FleetApplier.Options o,
              OnlineWatch watch) {
        long t0 = System.nanoTime();
        Split sp;
        try {
            sp = split(g, invalid, o);
        } catch (SQLException e) {
            return new Ran(FleetApplier.failed(schema, "failed", "planning the online forms failed: " + oneLine(e.getMessage())), null);
        }
        List<String> run = bound(sp.run().transactional(), schema);
        List<String> online = bound(sp.run().online(), schema);
        List<String> skipped = bound(sp.skipped(), schema);
        int statements = run.size() + online.size();
        if (statements == 0) {
            ctx.log().warn("%s: only destructive changes pending, skipped (allow_destructive=false): %d", schema, skipped.size());
            return new Ran(new Results.SchemaOutcome(schema, "skipped", 0, skipped, g.fingerprint(), null, false,
                    skipped.size(), 0, 0, null), null);
        }
        int retries = Math.max(0, engine.props().getLockRetries());
        long timeoutMs = (sp.run().online().isEmpty() ? engine.props().getLockTimeout()
                : engine.props().getOnlineLockTimeout()).toMillis();
        String error = null;
        int attempt = 0;
        try (Connection c = engine.dataSource().getConnection()) {
            int pid = OnlineRunner.pid(c);
            Long id = null;
            String shared = engine.fleet().sharedSchema();
            List<Step> checks = sp.run().checks();
            // deferred checks by the transaction statement they run before (online items' checks: before the commit)
            // {statement position it runs before, item index}, in run order
            List<int[]> deferred = new ArrayList<>();
            int tx = sp.run().transactional().size();
            for (int i : new TreeSet<>(Plan.deferredChecks(checks).keySet())) {
                deferred.add(new int[] {i < tx ? statementOf(sp.run().transactional(), i) : run.size(), i});
            }
            while (true) {
                attempt++;
                String current = null;
                int offset = 0;
                c.setAutoCommit(false);
                OnlineWatch.Watched w = watch == null ? null : watch.watch(pid, ctx, schema + " transaction", false);
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL lock_timeout = '" + timeoutMs + "ms'");
                    // as the model ran in the shadow: a function body's unqualified names are checked at creation
                    st.execute("SET LOCAL search_path TO " + Sql.q(schema) + ", public");
                    List<Results.CheckFinding> f = DataChecks.before(c, checks, List.of(schema), shared, true);
                    // a check on what the plan creates runs right before its statement, on the new shape
                    for (int[] d : deferred) {
                        if (!f.isEmpty()) {
                            break;
                        }
                        executeAll(st, run.subList(offset, d[0]));
                        offset = d[0];
                        Results.CheckFinding late = DataChecks.one(c, checks.get(d[1]), d[1] + 1, schema, shared, true);
                        if (late != null) {
                            f = List.of(late);
                        }
                    }
                    if (!f.isEmpty()) {
                        c.rollback();
                        error = "data check failed, nothing applied: " + describe(f);
                        break;
                    }
                    if (!run.isEmpty()) {
                        executeAll(st, run.subList(offset, run.size()));
                        id = engine.history().insert(c, schema, ctx.taskId(), o.task(), "applied", run, skipped,
                                g.fingerprint(), null);
                    }
                    c.commit();
                    c.setAutoCommit(true);
                    error = null; // an earlier attempt's lock timeout is not this schema's outcome
                    ctx.log().info("%s: applied %d statement(s)%s%s", schema, run.size(),
                            skipped.isEmpty() ? "" : ", skipped " + skipped.size() + " destructive",
                            online.isEmpty() ? "" : "; " + sp.run().online().size() + " online step(s) follow");
                    break;
                } catch (SQLException e) {
                    if (e instanceof BatchUpdateException b) {
                        int at = failedAt(b);
                        at = at < 0 ? -1 : at + offset; // the batch started at statement offset
                        current = at >= 0 && at < run.size() ? run.get(at) : null;
                        e = b.getNextException() == null ? b : b.getNextException(); // the server's error
                    }
                    boolean lock = "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
                    String blockers = w == null || w.blockers().isEmpty() ? ""
                            : "; blocked by " + String.join("; ", w.blockers().stream().map(Object::toString).toList());
                    error = (current == null ? "" : "at: " + oneLine(current) + ": ") + oneLine(e.getMessage()) + blockers;
                    // the error first: the pool closes a connection on some states (0A000), then rollback throws
                    c.rollback();
                    if (lock && attempt <= retries) {
                        long pause = (long) (200L * (1L << (attempt - 1)) * (0.5 + ThreadLocalRandom.current().nextDouble()));
                        ctx.log().warn("%s: %s%s; attempt %d of %d, retrying in %d ms", schema, oneLine(e.getMessage()),
                                blockers, attempt, retries + 1, pause);
                        Thread.sleep(pause);
                        continue;
                    }
                    error = error == null ? "failed" : error;
                    break;
                } finally {
                    if (w != null) {
                        w.close();
                    }
                }
            }
            if (error != null) {
                c.setAutoCommit(true);
                ctx.log().error("%s: failed, rolled back: %s", schema, error);
                engine.history().insert(c, schema, ctx.taskId(), o.task(), "failed", run, skipped, g.fingerprint(), error);
                return new Ran(new Results.SchemaOutcome(schema, "failed", statements, skipped, g.fingerprint(), null, false,
                        null, attempt, (System.nanoTime() - t0) / 1_000_000, error, null,
                        online.isEmpty() ? null : steps(sp.run().online(), schema)), null);
            }
            if (online.isEmpty()) {
                return new Ran(new Results.SchemaOutcome(schema, "applied", run.size(), skipped, g.fingerprint(), null,
                        null, null, attempt, (System.nanoTime() - t0) / 1_000_000, null), id);
            }
            OnlineRunner.Result r = OnlineRunner.run(ctx, c, schema, engine.fleet().sharedSchema(), sp.run().online(),
                    new OnlineRunner.Settings(engine.props().getOnlineLockTimeout().toMillis(),
                            engine.props().getOnlineStatementTimeout().toMillis(), retries), watch,
                    (conn, sqls) -> engine.history().insert(conn, schema, ctx.taskId(), o.task(), "online", sqls, List.of(),
                            g.fingerprint(), null));
            List<String> done = steps(r.done(), schema);
            Long last = r.historyId() != null ? r.historyId() : id;
            long millis = (System.nanoTime() - t0) / 1_000_000;
            if (r.error() == null) {
                return new Ran(new Results.SchemaOutcome(schema, "applied", statements, skipped, g.fingerprint(), null, null,
                        null, attempt + r.attempts(), millis, null, done, null), last);
            }
            ctx.log().error("%s: %s", schema, r.error());
            List<String> left = steps(r.left(), schema);
            engine.history().insert(c, schema, ctx.taskId(), o.task(), "failed", left, skipped, g.fingerprint(), r.error());
            // the transaction and the steps done are committed: re-inspected like an applied schema (history row)
            return new Ran(new Results.SchemaOutcome(schema, "failed", statements, skipped, g.fingerprint(), null, false,
                    null, attempt + r.attempts(), millis, r.error(), done, left), last);
        } catch (SQLException e) {
            if (error != null) {
                // the failure is known; the rollback went with the connection (or the history row failed on it):
                // record the failure on another one
                ctx.log().error("%s: failed, rolled back: %s", schema, error);
                try (Connection h = engine.dataSource().getConnection()) {
                    engine.history().insert(h, schema, ctx.taskId(), o.task(), "failed", run, skipped, g.fingerprint(), error);
                } catch (SQLException he) {
                    error = error + "; then: " + oneLine(he.getMessage());
                }
                return new Ran(new Results.SchemaOutcome(schema, "failed", statements, skipped, g.fingerprint(), null, false,
                        null, attempt, (System.nanoTime() - t0) / 1_000_000, error, null,
                        online.isEmpty() ? null : steps(sp.run().online(), schema)), null);
            }
            error = error == null ? oneLine(e.getMessage()) : error + "; then: " + oneLine(e.getMessage());
            ctx.log().error("%s: failed: %s", schema, error);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        return new Ran(new Results.SchemaOutcome(schema, "failed", statements, skipped, g.fingerprint(), null, false,
                null, attempt, (System.nanoTime() - t0) / 1_000_000, error), null);
    }

    /**
     * The schema's statements in one JDBC batch: one round trip instead of one per statement. A new project's
     * create_tables is about 70 statements; on a busy machine every round trip waits for the scheduler, and the
     * last ones (foreign keys into the shared schema) run while holding a lock other projects queue for.
     */
    private static void executeAll(Statement st, List<String> sqls) throws SQLException {
        for (String sql : sqls) {
            st.addBatch(sql);
        }
        st.executeBatch();
    }

    /** Position in the bound statement list of the first statement of transaction item {@code i}. */
    private static int statementOf(List<OnlinePlan.Item> items, int i) {
        int n = 0;
        for (int k = 0; k < i; k++) {
            n += items.get(k).sqls().size();
        }
        return n;
    }

    private static final Pattern BATCH_ENTRY = Pattern.compile("Batch entry (\\d+) ");

    /**
     * Index of the statement the batch failed at, or -1. In a transaction pgjdbc marks every entry failed (all
     * were rolled back), so the update counts cannot tell; its message names the entry ("Batch entry 3 ...").
     */
    static int failedAt(BatchUpdateException b) {
        Matcher m = BATCH_ENTRY.matcher(String.valueOf(b.getMessage()));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static String describe(List<Results.CheckFinding> f) {
        StringBuilder sb = new StringBuilder();
        for (Results.CheckFinding x : f) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(x.describe());
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ");
    }
}
