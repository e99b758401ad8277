package dev.tasknode.node.schema.apply;

import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.plan.Plan;
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
 * number of times. Data checks run first, in the same transaction. The history row commits with the change.
 */
final class SchemaRunner {
    private final SchemaEngine engine;

    SchemaRunner(SchemaEngine engine) {
        this.engine = engine;
    }

    record Ran(Results.SchemaOutcome outcome, Long historyId) {}

    private record Split(List<Step> run, List<Step> skipped) {}

    private static Split split(Plan p, FleetApplier.Options o) {
        List<Step> run = new ArrayList<>();
        List<Step> skipped = new ArrayList<>();
        for (Step s : p.steps()) {
            (s.safety() == Step.Safety.DESTRUCTIVE && !o.allowDestructive() ? skipped : run).add(s);
        }
        return new Split(run, skipped);
    }

    private List<String> bound(List<Step> steps, String schema) {
        return steps.stream().map(s -> Plan.bind(s.sql(), schema, engine.fleet().sharedSchema())).toList();
    }

    Results.SchemaOutcome dryRun(Connection c, String schema, SchemaEngine.Group g, FleetApplier.Options o) throws SQLException {
        Split sp = split(g.plan(), o);
        List<Results.CheckFinding> f = DataChecks.before(c, sp.run(), List.of(schema), engine.fleet().sharedSchema(), false);
        String error = f.isEmpty() ? null : describe(f);
        return new Results.SchemaOutcome(schema, f.isEmpty() ? "would_apply" : "would_fail", sp.run().size(),
                bound(sp.skipped(), schema), g.fingerprint(), null, null, null, 0, 0, error);
    }

    Ran apply(TaskContext ctx, String schema, SchemaEngine.Group g, FleetApplier.Options o) {
        long t0 = System.nanoTime();
        Split sp = split(g.plan(), o);
        List<String> run = bound(sp.run(), schema);
        List<String> skipped = bound(sp.skipped(), schema);
        if (run.isEmpty()) {
            ctx.log().warn("%s: only destructive changes pending, skipped (allow_destructive=false): %d", schema, skipped.size());
            return new Ran(new Results.SchemaOutcome(schema, "skipped", 0, skipped, g.fingerprint(), null, false,
                    skipped.size(), 0, 0, null), null);
        }
        int retries = Math.max(0, engine.props().getLockRetries());
        long timeoutMs = engine.props().getLockTimeout().toMillis();
        String error = null;
        int attempt = 0;
        try (Connection c = engine.dataSource().getConnection()) {
            Map<Integer, String> deferred = Plan.deferredChecks(sp.run());
            String shared = engine.fleet().sharedSchema();
            while (true) {
                attempt++;
                String current = null;
                int offset = 0;
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL lock_timeout = '" + timeoutMs + "ms'");
                    List<Results.CheckFinding> f = DataChecks.before(c, sp.run(), List.of(schema), shared, true);
                    // a check on what the plan creates runs right before its statement, on the new shape
                    for (int i : new TreeSet<>(deferred.keySet())) {
                        if (!f.isEmpty()) {
                            break;
                        }
                        executeAll(st, run.subList(offset, i));
                        offset = i;
                        Results.CheckFinding late = DataChecks.one(c, sp.run().get(i), i + 1, schema, shared, true);
                        if (late != null) {
                            f = List.of(late);
                        }
                    }
                    if (!f.isEmpty()) {
                        c.rollback();
                        error = "data check failed, nothing applied: " + describe(f);
                        break;
                    }
                    executeAll(st, run.subList(offset, run.size()));
                    long id = engine.history().insert(c, schema, ctx.taskId(), o.task(), "applied", run, skipped,
                            g.fingerprint(), null);
                    c.commit();
                    c.setAutoCommit(true);
                    ctx.log().info("%s: applied %d statement(s)%s", schema, run.size(),
                            skipped.isEmpty() ? "" : ", skipped " + skipped.size() + " destructive");
                    return new Ran(new Results.SchemaOutcome(schema, "applied", run.size(), skipped, g.fingerprint(), null,
                            null, null, attempt, (System.nanoTime() - t0) / 1_000_000, null), id);
                } catch (SQLException e) {
                    c.rollback();
                    if (e instanceof BatchUpdateException b) {
                        int at = failedAt(b) + offset;
                        current = at >= 0 && at < run.size() ? run.get(at) : null;
                        e = b.getNextException() == null ? b : b.getNextException(); // the server's error
                    }
                    boolean lock = "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
                    error = (current == null ? "" : "at: " + oneLine(current) + ": ") + oneLine(e.getMessage());
                    if (lock && attempt <= retries) {
                        long pause = (long) (200L * (1L << (attempt - 1)) * (0.5 + ThreadLocalRandom.current().nextDouble()));
                        ctx.log().warn("%s: %s; attempt %d of %d, retrying in %d ms", schema, oneLine(e.getMessage()),
                                attempt, retries + 1, pause);
                        Thread.sleep(pause);
                        continue;
                    }
                    break;
                }
            }
            c.setAutoCommit(true);
            ctx.log().error("%s: failed, rolled back: %s", schema, error);
            engine.history().insert(c, schema, ctx.taskId(), o.task(), "failed", run, skipped, g.fingerprint(), error);
        } catch (SQLException e) {
            error = error == null ? oneLine(e.getMessage()) : error + "; then: " + oneLine(e.getMessage());
            ctx.log().error("%s: failed: %s", schema, error);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        return new Ran(new Results.SchemaOutcome(schema, "failed", run.size(), skipped, g.fingerprint(), null, false,
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
