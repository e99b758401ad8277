package dev.tasknode.node.schema.online;

import dev.tasknode.node.schema.online.OnlinePlan.Item;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.task.TaskContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a schema's online steps after its transaction committed, one at a time, each recorded as it completes:
 * CONCURRENTLY statements in autocommit (they cannot run in a transaction), the others in a short transaction
 * of their own with the history row inside it. Each statement runs under the short online lock_timeout, so
 * writers queue behind a waiting DDL statement at most that long; a lock timeout or deadlock is retried after a
 * jittered pause, and its blockers are logged. A failure stops the schema with the steps done and left.
 */
public final class OnlineRunner {
    private OnlineRunner() {}

    /** @param statementTimeoutMs 0 = none */
    public record Settings(long lockTimeoutMs, long statementTimeoutMs, int retries) {}

    /** Writes the history row of a completed step on {@code c} (inside the step's transaction when it has one). */
    public interface Recorder {
        long record(Connection c, List<String> statements) throws SQLException;
    }

    /** @param historyId the last history row written, or null */
    public record Result(List<Item> done, List<Item> left, String error, int attempts, Long historyId) {}

    public static Result run(TaskContext ctx, Connection c, String schema, String shared, List<Item> steps, Settings s,
                             OnlineWatch watch, Recorder recorder) throws InterruptedException {
        List<Item> done = new ArrayList<>();
        Long lastId = null;
        int attempts = 0;
        int pid;
        try {
            pid = pid(c);
            if (c.getMetaData().getDatabaseMajorVersion() >= 14) {
                // a node that dies mid-build must not leave its build running orphaned: the server notices the lost
                // client within a second and cancels it (the invalid index it leaves is rebuilt by the next run)
                try (Statement st = c.createStatement()) {
                    st.execute("SET client_connection_check_interval = '1s'");
                }
            }
        } catch (SQLException e) {
            return new Result(done, steps, "online steps not started: " + oneLine(e.getMessage()), 0, null);
        }
        try {
            for (int k = 0; k < steps.size(); k++) {
                Item it = steps.get(k);
                if (ctx.cancelled()) {
                    String error = "cancelled before online step " + (k + 1) + " of " + steps.size() + "; " + done.size()
                            + " done, " + (steps.size() - k) + " left (apply again to finish)";
                    return new Result(done, steps.subList(k, steps.size()), error, attempts, lastId);
                }
                List<String> sqls = it.sqls().stream().map(x -> Plan.bind(x, schema, shared)).toList();
                String label = schema + " step " + (k + 1) + "/" + steps.size() + " " + it.form().wire() + " " + it.object();
                for (int attempt = 1; ; attempt++) {
                    attempts++;
                    long t0 = System.nanoTime();
                    OnlineWatch.Watched w = watch == null ? null : watch.watch(pid, ctx, label, it.index() != null);
                    try {
                        lastId = once(ctx, c, schema, it, sqls, s, recorder);
                        done.add(it);
                        ctx.log().info("%s: online step %d of %d done in %d ms (%s): %s", schema, k + 1, steps.size(),
                                (System.nanoTime() - t0) / 1_000_000, it.form().wire(), oneLine(String.join("; ", sqls)));
                        break;
                    } catch (SQLException e) {
                        rollbackQuietly(c);
                        boolean lock = "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
                        String blockers = w == null || w.blockers().isEmpty() ? ""
                                : "; blocked by " + String.join("; ", w.blockers().stream().map(Object::toString).toList());
                        if (lock && attempt <= s.retries()) {
                            long pause = (long) (200L * (1L << (attempt - 1)) * (0.5 + ThreadLocalRandom.current().nextDouble()));
                            ctx.log().warn("%s: online step %d of %d: %s%s; attempt %d of %d, retrying in %d ms", schema, k + 1,
                                    steps.size(), oneLine(e.getMessage()), blockers, attempt, s.retries() + 1, pause);
                            Thread.sleep(pause);
                            continue;
                        }
                        String error = "online step " + (k + 1) + " of " + steps.size() + " failed (" + it.form().wire()
                                + ": " + oneLine(String.join("; ", sqls)) + "): " + oneLine(e.getMessage()) + blockers
                                + "; " + done.size() + " done, " + (steps.size() - k) + " left (apply again to finish)";
                        return new Result(done, steps.subList(k, steps.size()), error, attempts, lastId);
                    } finally {
                        if (w != null) {
                            w.close();
                        }
                    }
                }
            }
            return new Result(done, List.of(), null, attempts, lastId);
        } finally {
            try (Statement st = c.createStatement()) {
                c.setAutoCommit(true);
                st.execute("RESET lock_timeout");
                st.execute("RESET statement_timeout");
                st.execute("RESET client_connection_check_interval");
            } catch (SQLException ignored) {
                // the connection is broken: the pool discards it
            }
        }
    }

    private static Long once(TaskContext ctx, Connection c, String schema, Item it, List<String> sqls, Settings s,
                             Recorder recorder) throws SQLException {
        c.setAutoCommit(it.concurrent());
        try (Statement st = c.createStatement(); AutoCloseable stop = ctx.onCancel(() -> cancel(st))) {
            String scope = it.concurrent() ? "SET " : "SET LOCAL ";
            st.execute(scope + "lock_timeout = '" + s.lockTimeoutMs() + "ms'");
            st.execute(scope + "statement_timeout = '" + s.statementTimeoutMs() + "ms'");
            if (it.index() != null) {
                dropInvalid(ctx, c, st, schema, it.index());
            }
            for (String sql : sqls) {
                st.execute(sql);
            }
            long id = recorder.record(c, sqls);
            if (!it.concurrent()) {
                c.commit();
            }
            return id;
        } catch (SQLException e) {
            throw e;
        } catch (Exception e) { // closing the cancel handle
            throw new IllegalStateException(e);
        }
    }

    /** A cancelled task stops its running build or validation (the invalid index it leaves is rebuilt next time). */
    private static void cancel(Statement st) {
        try {
            st.cancel();
        } catch (SQLException ignored) {
            // the statement ended meanwhile
        }
    }

    /** An invalid index of the name about to be built: left by a failed or killed build, dropped first. */
    private static void dropInvalid(TaskContext ctx, Connection c, Statement st, String schema, String index)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                + "JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = ? AND i.relname = ? AND NOT x.indisvalid")) {
            ps.setString(1, schema);
            ps.setString(2, index);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
            }
        }
        ctx.log().warn("%s: index %s is invalid (an interrupted build): dropping it before building it again", schema, index);
        st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + Shapes.q(schema) + "." + Shapes.q(index));
    }

    /** The session's backend pid, as the driver learned it at connect time (no round trip). */
    public static int pid(Connection c) throws SQLException {
        return c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // broken connection: the failure itself is reported
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ");
    }
}
