package dev.tasknode.node.backup.restore;

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
import org.springframework.stereotype.Component;

/**
 * The replaced copies restores kept as their way back ({@code backup_replaced}): listed by list_backups, dropped
 * by prune_backups once their time is up. Undoing a restore by hand is two renames (docs/backups.md).
 */
@Component
public class ReplacedCopies {
    /** A kept copy: {@code kept} is the schema to rename back to {@code schema}; {@code exists} false if dropped by hand. */
    public record Copy(String kept, String schema, String backupId, String taskId, String replacedAt, String keepUntil,
                       boolean exists) {}

    private final DataSource ds;
    private final SchemaSwap swap;

    public ReplacedCopies(DataSource ds, SchemaSwap swap) {
        this.ds = ds;
        this.swap = swap;
    }

    /** Every kept copy, newest first. */
    public List<Copy> list() throws SQLException {
        List<Copy> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            ensure(c);
            try (ResultSet rs = st.executeQuery("SELECT r.kept_name, r.schema_name, r.backup_id, r.task_id, r.replaced_at,"
                    + " r.keep_until, n.oid IS NOT NULL FROM " + swap.replacedTable() + " r LEFT JOIN pg_namespace n"
                    + " ON n.nspname = r.kept_name ORDER BY r.replaced_at DESC, r.kept_name")) {
                while (rs.next()) {
                    out.add(new Copy(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getObject(5, java.time.OffsetDateTime.class).toInstant().toString(),
                            rs.getObject(6, java.time.OffsetDateTime.class).toInstant().toString(), rs.getBoolean(7)));
                }
            }
        }
        return out;
    }

    /** The copies whose time is up at {@code now}. */
    public List<Copy> expired(Instant now) throws SQLException {
        return list().stream().filter(x -> Instant.parse(x.keepUntil()).isBefore(now)).toList();
    }

    /** Drops one kept copy and its row, in one transaction. */
    public void drop(Copy copy) throws SQLException {
        try (Connection c = ds.getConnection()) {
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
