package dev.tasknode.node.backup.dump;

import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.task.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The manifest's exact row counts per table, which restores and verify_backup check the restored tables against.
 * Read back from each archive ({@link ArchiveRowCounts}): a client-side pass over data just written, instead of a
 * {@code count(*)} per table on the server, which for a fleet of small tables costs about as much server time as the
 * dumps themselves. Archives of big tables are counted on the server at the snapshot instead: reading back costs
 * about 1 s per 60 MB of archive (a 44 MB archive of one 1 M-row table: 0.75 s, against 0.08 s for its
 * {@code count(*)}), a {@code count(*)} about 0.3 ms per table plus the scan; break-even near 16 KB of archive
 * per table.
 */
final class RowCounts {
    /** Tables counted per statement (and held locked at once) on the server. */
    static final int CHUNK = 200;
    /** Archives up to this many bytes per table they hold are read back for their counts. */
    static final long ARCHIVE_BYTES_PER_TABLE = 16 << 10;

    private final DataSource ds;
    private final PgTools pg;
    /** {@link #ARCHIVE_BYTES_PER_TABLE}; 0 counts everything on the server (the benchmark's before/after comparison). */
    private volatile long archiveBytesPerTable = ARCHIVE_BYTES_PER_TABLE;

    RowCounts(DataSource ds, PgTools pg) {
        this.ds = ds;
        this.pg = pg;
    }

    void archiveBytesPerTable(long bytes) {
        archiveBytesPerTable = bytes;
    }

    /**
     * Counts of the given schemas' tables from the archive, or null when its tables are big or it could not be read
     * (the caller then counts on the server). {@code tables}: every ordinary table of each schema, from the catalog
     * at the snapshot, so the keys are the ones a restore compares.
     */
    Map<String, Map<String, Long>> fromArchive(TaskContext ctx, Path archive, Map<String, List<String>> tables) {
        try {
            long tableCount = tables.values().stream().mapToLong(List::size).sum();
            if (Files.size(archive) > Math.max(1, tableCount) * archiveBytesPerTable) {
                return null;
            }
            List<Map<String, Map<String, Long>>> got = new ArrayList<>(1);
            // no -d: pg_restore writes the archive as SQL to stdout and never connects
            PgTools.Result r = pg.run(ctx, List.of(pg.props().getPgRestore(), "--data-only", "--file=-", archive.toString()),
                    "tasknode-backup", in -> got.add(ArchiveRowCounts.read(in)));
            if (!r.ok() || got.isEmpty()) {
                ctx.log().warn("row counts from %s: pg_restore exited with %d: %s; counting on the server",
                        archive.getFileName(), r.exit(), r.tail());
                return null;
            }
            return ArchiveRowCounts.forTables(got.get(0), tables);
        } catch (IOException e) {
            ctx.log().warn("row counts from %s: %s; counting on the server", archive.getFileName(), e.getMessage());
            return null;
        }
    }

    /**
     * Exact row counts at the snapshot with {@code count(*)}, for schemas whose archive was too big to read back.
     * Counted in short transactions that import the snapshot: one long transaction would keep a lock on every
     * counted table until the end (overflowing the lock table, blocking migrations). A table locked longer than the
     * lock-wait timeout fails its schema, like pg_dump would.
     */
    Map<String, Map<String, Long>> atSnapshot(TaskContext ctx, String snapshot, List<String> schemas,
                                              Map<String, String> errors) throws SQLException {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        try (Connection c = ds.getConnection()) {
            Map<String, List<String>> tables = SchemaCatalog.tables(c, schemas);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                // a few hundred tables per statement and transaction: few round trips, few locks held at once
                List<String> chunk = new ArrayList<>();
                int n = 0;
                for (String s : schemas) {
                    chunk.add(s);
                    n += tables.get(s).size();
                    if (n >= CHUNK || s.equals(schemas.get(schemas.size() - 1))) {
                        ctx.checkCancelled();
                        if (!count(c, snapshot, chunk, tables, counts, chunk.size() == 1 ? errors : null) && chunk.size() > 1) {
                            for (String one : chunk) { // find the schema that failed
                                count(c, snapshot, List.of(one), tables, counts, errors);
                            }
                        }
                        chunk = new ArrayList<>();
                        n = 0;
                    }
                }
            } finally {
                c.setAutoCommit(true);
            }
        }
        return counts;
    }

    /** One short transaction at the snapshot; false (and the error noted, when {@code errors} is given) on failure. */
    private boolean count(Connection c, String snapshot, List<String> schemas, Map<String, List<String>> tables,
                          Map<String, Map<String, Long>> counts, Map<String, String> errors) throws SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
            st.execute("SET LOCAL lock_timeout = " + pg.props().getLockWaitTimeout().toMillis());
            Map<String, List<String>> part = new LinkedHashMap<>();
            schemas.forEach(s -> part.put(s, tables.get(s)));
            counts.putAll(SchemaCatalog.rowCounts(c, part));
            return true;
        } catch (SQLException e) {
            if (errors != null) {
                schemas.forEach(s -> errors.put(s, "row counts: " + e.getMessage()));
            }
            return false;
        } finally {
            c.rollback();
        }
    }

}
