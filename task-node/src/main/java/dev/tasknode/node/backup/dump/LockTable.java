package dev.tasknode.node.backup.dump;

import dev.tasknode.node.backup.pg.SchemaCatalog;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The server's lock table as a backup sees it, and what it allows. pg_dump holds a lock on every table it dumps until
 * it ends, and the shared lock table holds {@code max_locks_per_transaction x (max_connections +
 * max_prepared_transactions)} entries for the whole server; every pg_dump run also re-reads the whole catalog, so a
 * table too small for the fleet means more runs, each paying that catalog read again. Three quarters of the table,
 * less what is held when the backup starts (other sessions, this backup's own advisory locks: one per schema, or the
 * one fleet lock above tasknode.backup.fleet-lock-above schemas), is the
 * backup's, shared by its workers; the last quarter stays free for the rest of the platform.
 *
 * @param slots  size of the lock table
 * @param inUse  locks held when the backup started
 * @param perRun relations one pg_dump run may lock (the budget)
 */
record LockTable(long slots, long inUse, int maxLocks, int connections, int prepared, int perRun) {
    /** A run also locks catalogs and toast tables besides its tables: measured about 2.5 % more, plus a few. */
    static int budget(long free, int workers) {
        return (int) Math.max(64, free / workers * 39 / 40 - 50);
    }

    static LockTable read(Connection c, int workers) throws SQLException {
        int maxLocks = Integer.parseInt(SchemaCatalog.one(c, "SELECT current_setting('max_locks_per_transaction')"));
        int conns = Integer.parseInt(SchemaCatalog.one(c, "SELECT current_setting('max_connections')"));
        int prepared = Integer.parseInt(SchemaCatalog.one(c, "SELECT current_setting('max_prepared_transactions')"));
        long slots = (long) maxLocks * (conns + prepared);
        long inUse = Long.parseLong(SchemaCatalog.one(c, "SELECT count(*) FROM pg_locks"));
        return new LockTable(slots, inUse, maxLocks, conns, prepared, budget(slots - slots / 4 - inUse, workers));
    }

    /**
     * Null when {@code tables} fit in one run per worker; else one line saying that the lock table limits the backup,
     * by how much, and the {@code max_locks_per_transaction} that would let it run in one run per worker.
     */
    String limits(int tables, int workers, int runs) {
        return limits(tables, workers, runs, Integer.MAX_VALUE);
    }

    /**
     * As {@link #limits(int, int, int)} with archives of at most {@code cap} tables (tasknode.backup.max-tables-per-archive):
     * the lock table limits the backup only when a run may lock fewer than that, and a bigger one would let it run
     * in as many runs as the cap makes.
     */
    String limits(int tables, int workers, int runs, int cap) {
        int perWorker = (int) Math.min(cap, ((long) tables + workers - 1) / workers);
        if (perRun >= perWorker) {
            return null;
        }
        int ideal = Math.max(workers, ClusterDump.runs(tables, cap, workers));
        if (runs <= ideal) {
            return null; // the budget is below the cap, yet the even split needs no more runs than the cap makes
        }
        // the smallest setting whose budget covers the wanted run size, with today's other locks
        long needFree = ((long) perWorker + 50) * 40 / 39 * workers + workers;
        long needSlots = (needFree + inUse) * 4 / 3 + 4;
        long needMax = (needSlots + conns() - 1) / conns();
        return String.format("the server's lock table limits this backup: max_locks_per_transaction %d x (max_connections %d"
                + " + max_prepared_transactions %d) = %d slots, %d in use at the start, so a pg_dump run may lock at most %d"
                + " of the %d tables and %d runs are needed instead of %d (each re-reads the whole catalog);"
                + " max_locks_per_transaction = %d (server restart) would need %d", maxLocks, connections, prepared, slots,
                inUse, perRun, tables, runs, ideal, needMax, ideal);
    }

    private int conns() {
        return Math.max(1, connections + prepared);
    }
}
