package dev.tasknode.node.schema.apply;

import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Runs the data checks of a plan's steps. A check that reads what the plan itself creates first (see
 * {@link Plan#deferredChecks}) cannot run before the plan: propose lists when it runs instead, and apply runs it in
 * the schema's transaction right before its statement ({@link #one}).
 */
public final class DataChecks {
    private DataChecks() {}

    /**
     * The checks that can run before the plan, on each schema; only findings (rows found, or a query that failed)
     * are returned. {@code inTransaction}: a failing query is thrown (the transaction is aborted), else reported.
     */
    public static List<Results.CheckFinding> before(Connection c, List<Step> steps, Collection<String> schemas,
                                                    String shared, boolean inTransaction) throws SQLException {
        Set<Integer> deferred = Plan.deferredChecks(steps).keySet();
        List<Results.CheckFinding> out = new ArrayList<>();
        for (String schema : schemas) {
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).check() != null && !deferred.contains(i)) {
                    Results.CheckFinding f = one(c, steps.get(i), i + 1, schema, shared, inTransaction);
                    if (f != null) {
                        out.add(f);
                    }
                }
            }
        }
        return out;
    }

    /** Runs the check of {@code s} (statement number {@code n}) on {@code schema}: a finding, or null when clean. */
    static Results.CheckFinding one(Connection c, Step s, int n, String schema, String shared, boolean inTransaction)
            throws SQLException {
        String sql = Plan.bind(s.check().sql(), schema, shared);
        String table = Key.tableOf(s.keys());
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long count = rs.getLong(1);
            return count == 0 ? null : new Results.CheckFinding(schema, n, s.check().description(), count, table, s.object(),
                    sql, null);
        } catch (SQLException e) {
            Results.CheckFinding f = new Results.CheckFinding(schema, n, s.check().description(), 0, table, s.object(), sql,
                    e.getMessage().replaceAll("\\s+", " "));
            if (inTransaction) {
                throw new SQLException("data check failed to run: " + f.describe(), e.getSQLState(), e);
            }
            return f;
        }
    }
}
