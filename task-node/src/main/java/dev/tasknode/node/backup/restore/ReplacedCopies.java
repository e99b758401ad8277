package dev.tasknode.node.backup.restore;

import dev.tasknode.node.backup.BackupClusters;
import dev.tasknode.node.db.Fleet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The replaced copies restores kept as their way back ({@code backup_replaced}): listed by list_backups, dropped
 * by prune_backups once their time is up. Undoing a restore by hand is two renames (docs/backups.md). Each cluster
 * keeps the copies of its own schemas in its own table (the row commits with the rename); this reads them all.
 */
@Component
public class ReplacedCopies {
    /** A kept copy: {@code kept} is the schema to rename back to {@code schema}; {@code exists} false if dropped by hand. */
    public record Copy(String kept, String schema, String backupId, String taskId, String replacedAt, String keepUntil,
                       boolean exists, String cluster) {}

    private final BackupClusters clusters;
    private final SchemaSwap swap;

    /** One cluster, wired by hand (tests). */
    public ReplacedCopies(DataSource ds, SchemaSwap swap) {
        this(BackupClusters.single(ds, null, null), swap);
    }

    @Autowired
    public ReplacedCopies(BackupClusters clusters, SchemaSwap swap) {
        this.clusters = clusters;
        this.swap = swap;
    }

    /** Every kept copy on every cluster, newest first; a cluster that cannot be read fails the call. */
    public List<Copy> list() throws SQLException {
        return list((List<String>) null);
    }

    /**
     * Every kept copy, newest first. With {@code problems} given, a further cluster that cannot be read is added
     * there ("cluster tn2: …") and the others are still listed; the home cluster's failure always throws.
     */
    public List<Copy> list(List<String> problems) throws SQLException {
        List<Copy> out = new ArrayList<>();
        for (BackupClusters.Site site : clusters.all()) {
            try {
                out.addAll(listOn(site));
            } catch (SQLException e) {
                if (problems == null || site.home()) {
                    throw e;
                }
                problems.add("cluster " + site.name() + ": its replaced copies cannot be read: "
                        + dev.tasknode.node.cluster.ClusterRegistry.describe(e));
            }
        }
        out.sort(java.util.Comparator.comparing(Copy::replacedAt).reversed().thenComparing(Copy::kept));
        return out;
    }

    private List<Copy> listOn(BackupClusters.Site site) throws SQLException {
        List<Copy> out = new ArrayList<>();
        try (Connection c = site.ds().getConnection(); Statement st = c.createStatement()) {
            ensure(c);
            try (ResultSet rs = st.executeQuery("SELECT r.kept_name, r.schema_name, r.backup_id, r.task_id, r.replaced_at,"
                    + " r.keep_until, n.oid IS NOT NULL FROM " + swap.replacedTable() + " r LEFT JOIN pg_namespace n"
                    + " ON n.nspname = r.kept_name ORDER BY r.replaced_at DESC, r.kept_name")) {
                while (rs.next()) {
                    out.add(new Copy(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getObject(5, java.time.OffsetDateTime.class).toInstant().toString(),
                            rs.getObject(6, java.time.OffsetDateTime.class).toInstant().toString(), rs.getBoolean(7),
                            site.name()));
                }
            }
        }
        return out;
    }

    /** The copies whose time is up at {@code now}. */
    public List<Copy> expired(Instant now) throws SQLException {
        return expired(now, null);
    }

    /** {@link #expired(Instant)}; a further cluster that cannot be read goes into {@code problems} (see {@link #list(List)}). */
    public List<Copy> expired(Instant now, List<String> problems) throws SQLException {
        return list(problems).stream().filter(x -> Instant.parse(x.keepUntil()).isBefore(now)).toList();
    }

    /** Drops one kept copy and its row, in one transaction. */
    public void drop(Copy copy) throws SQLException {
        BackupClusters.Site site = copy.cluster() == null ? clusters.home() : clusters.find(copy.cluster())
                .orElseThrow(() -> new SQLException("cluster " + copy.cluster() + " is not configured"));
        try (Connection c = site.ds().getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement();
                 PreparedStatement ps = c.prepareStatement("DELETE FROM " + swap.replacedTable() + " WHERE kept_name = ?")) {
                st.execute("DROP SCHEMA IF EXISTS " + Fleet.quote(copy.kept()) + " CASCADE");
                ps.setString(1, copy.kept());
                ps.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void ensure(Connection c) throws SQLException {
        try {
            swap.ensureJournal(c);
        } catch (java.io.IOException e) {
            throw new SQLException("cannot read db/tasknode/30-backup.sql: " + e.getMessage(), e);
        }
    }
}
