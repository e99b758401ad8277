package dev.tasknode.node.backup.pg;

import dev.tasknode.node.task.TaskContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Planner statistics of the system catalogs pg_dump reads. A fleet created faster than autovacuum analyzes the
 * catalogs leaves them with none, and pg_dump's foreign-key query ({@code unnest(<tables of the run>) JOIN
 * pg_constraint ON conrelid}) is then planned for one matching key and run as a nested loop: every foreign key of the
 * database compared with every table of the run. Measured on a 1,000-project fleet with 19 keys per project: 3.9 s
 * of a run of 90 schemas (32.7 M comparisons), 0.13 s after {@code ANALYZE pg_constraint}; every run pays it again,
 * so the whole backup paid it about (keys of the database) x (tables dumped). An ANALYZE of pg_constraint costs
 * about half a second on such a fleet, once.
 */
public final class CatalogStatistics {
    /**
     * Only pg_constraint. Analyzing every catalog pg_dump reads was tried on the same fleet and made it slower: with
     * fresh pg_depend and pg_class statistics pg_dump's materialized-view dependency query ({@code WITH RECURSIVE w AS
     * (… pg_depend d1 JOIN pg_class c1 … JOIN pg_rewrite …)}) was planned as a nested loop over a sequential scan of
     * pg_depend and took 40 s and more per run (backup of everything 27 s before, 114–226 s after). The one estimate
     * proven to matter is the foreign keys'.
     */
    static final List<String> CATALOGS = List.of("pg_constraint");

    private CatalogStatistics() {}

    /**
     * The catalogs past 1 MB whose statistics are missing (never analyzed: no column statistics, or no row estimate)
     * or stale (grown to more than twice the pages they had when last analyzed or vacuumed). Read from the catalog
     * itself, not from the activity counters (pg_stat_sys_tables), which start at zero in a database created from a
     * template or restored, while the statistics it lacks are the same.
     */
    public static List<String> stale(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_class c WHERE c.relnamespace ="
                + " 'pg_catalog'::regnamespace AND c.relname = ANY (?) AND pg_relation_size(c.oid) > 1048576 AND (c.reltuples < 0"
                + " OR NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = 'pg_catalog' AND s.tablename = c.relname)"
                + " OR pg_relation_size(c.oid) / 8192 > 2 * c.relpages) ORDER BY 1")) {
            ps.setArray(1, c.createArrayOf("text", CATALOGS.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        if (!out.contains("pg_constraint") && foreignKeysMisjudged(c)) {
            out.add("pg_constraint");
        }
        return out;
    }

    /**
     * The estimate that matters most, checked directly: the planner's row count for the foreign keys pg_dump reads
     * against the real one. Statistics copied from template1 (a hundred constraints, none a foreign key) survive
     * a vacuum that updates the page count, and still say there are almost none.
     */
    static boolean foreignKeysMisjudged(Connection c) throws SQLException {
        String where = " FROM pg_catalog.pg_constraint WHERE contype = 'f' AND conparentid = 0";
        long real = Long.parseLong(SchemaCatalog.one(c, "SELECT count(*)" + where));
        if (real < 1000) {
            return false;
        }
        String plan = SchemaCatalog.one(c, "EXPLAIN SELECT 1" + where);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rows=(\\d+)").matcher(plan);
        return m.find() && Long.parseLong(m.group(1)) * 10 < real;
    }

    /**
     * Analyzes the stale catalogs on {@code c} (auto-commit, not the snapshot's transaction: ANALYZE writes). Needs the
     * database's owner or a superuser; without that right it says what to run and goes on: the backup is only slower.
     */
    public static void refresh(TaskContext ctx, Connection c) {
        try {
            List<String> stale = stale(c);
            if (stale.isEmpty()) {
                return;
            }
            String list = String.join(", ", stale.stream().map(s -> "pg_catalog." + s).toList());
            long t0 = System.nanoTime();
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE " + list);
            }
            ctx.log().info("catalog statistics were missing or stale (%s): analyzed in %.1f s, so that pg_dump's catalog"
                    + " queries are planned for the catalog's real size", String.join(", ", stale), (System.nanoTime() - t0) / 1e9);
        } catch (SQLException e) {
            ctx.log().warn("catalog statistics are missing or stale and could not be refreshed (%s): each pg_dump run will"
                    + " be slower; run ANALYZE pg_catalog.pg_constraint as the database owner",
                    e.getMessage());
        }
    }
}
