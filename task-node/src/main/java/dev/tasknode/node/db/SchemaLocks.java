package dev.tasknode.node.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Per-schema advisory locks shared by apply, backup and restore, so they never work on one schema at once,
 * on any replica. Session-level locks: the caller holds them on one connection and releases them (or closes
 * the connection). Key space: (class {@value #LOCK_CLASS}, crc32 of the schema name).
 *
 * <p>Above them, one fleet lock (class {@value #FLEET_CLASS}, key 0). Whoever takes schema locks holds it shared
 * first (one more lock-table entry per session, however many schemas); a backup or restore of more schemas than
 * it should lock one by one takes it exclusively instead. Each schema lock is an entry of the server's lock table
 * (max_locks_per_transaction × max_connections for all sessions, 6,400 by default): 10,000 of them overflow it,
 * and every one held is one table fewer that a pg_dump run may lock.
 */
public final class SchemaLocks {
    private SchemaLocks() {}

    /** 'tkn1': keeps our advisory locks apart from the platform's own. */
    public static final int LOCK_CLASS = 0x746b6e31;

    /** 'tkn2': the fleet lock (key 0). */
    public static final int FLEET_CLASS = 0x746b6e32;

    public static int key(String schema) {
        CRC32 crc = new CRC32();
        crc.update(schema.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** Takes the lock (and a share of the fleet lock) if free, at once. */
    public static boolean tryLock(Connection c, String schema) throws SQLException {
        if (!tryShareFleet(c)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setInt(2, key(schema));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return true;
                }
            }
        }
        unshareFleet(c);
        return false;
    }

    /** Retries {@link #tryLock} until {@code wait} has passed; false when the schema stayed busy. */
    public static boolean lock(Connection c, String schema, Duration wait) throws SQLException {
        return retry(() -> tryLock(c, schema), wait);
    }

    private interface Attempt {
        boolean run() throws SQLException;
    }

    /** {@code attempt} again, with growing pauses, until it succeeds or {@code wait} has passed. */
    private static boolean retry(Attempt attempt, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 20;
        while (!attempt.run()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = Math.min(pause * 2, 500);
        }
        return true;
    }

    public static void unlock(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setInt(2, key(schema));
            ps.execute();
        }
        unshareFleet(c);
    }

    /**
     * Locks of many schemas, one round trip per attempt; busy ones are tried again, with growing pauses, until
     * {@code wait} has passed. Returns those locked (in {@code schemas}' order). Each lock is an entry of the
     * server's lock table until released: callers lock bounded rounds, not a whole large fleet at once.
     */
    public static Set<String> lockAll(Connection c, List<String> schemas, Duration wait) throws SQLException, InterruptedException {
        Set<String> locked = new LinkedHashSet<>();
        long deadline = System.nanoTime() + wait.toNanos();
        if (schemas.isEmpty() || !shareFleet(c, wait)) {
            return locked; // a backup or restore of the whole fleet holds it: every schema is busy
        }
        List<String> pending = new ArrayList<>(schemas);
        long pause = 50;
        while (true) {
            Integer[] keys = pending.stream().map(SchemaLocks::key).toArray(Integer[]::new);
            try (PreparedStatement ps = c.prepareStatement("SELECT k.i, pg_try_advisory_lock(?, k.key) FROM unnest(?::int[]) "
                    + "WITH ORDINALITY AS k(key, i)")) {
                ps.setInt(1, LOCK_CLASS);
                ps.setArray(2, c.createArrayOf("integer", keys));
                List<String> still = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String s = pending.get(rs.getInt(1) - 1);
                        (rs.getBoolean(2) ? locked : still).add(s);
                    }
                }
                pending = still;
            }
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                Set<String> ordered = new LinkedHashSet<>();
                schemas.stream().filter(locked::contains).forEach(ordered::add);
                if (ordered.isEmpty()) {
                    unshareFleet(c); // held exactly while some schema lock is: unlockAll releases it with them
                }
                return ordered;
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
    }

    /** Releases the locks {@link #lockAll} took. */
    public static void unlockAll(Connection c, Collection<String> locked) throws SQLException {
        if (locked.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, k) FROM unnest(?::int[]) AS k")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setArray(2, c.createArrayOf("integer", locked.stream().map(SchemaLocks::key).toArray(Integer[]::new)));
            ps.execute();
        }
        unshareFleet(c);
    }

    /** A share of the fleet lock, at once; false while a whole-fleet backup or restore holds or waits for it. */
    public static boolean tryShareFleet(Connection c) throws SQLException {
        // a try-lock also fails while an exclusive request waits in the queue, so a waiting backup is not starved
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock_shared(?, 0)")) {
            ps.setInt(1, FLEET_CLASS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Retries {@link #tryShareFleet} until {@code wait} has passed. */
    public static boolean shareFleet(Connection c, Duration wait) throws SQLException {
        return retry(() -> tryShareFleet(c), wait);
    }

    public static void unshareFleet(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock_shared(?, 0)")) {
            ps.setInt(1, FLEET_CLASS);
            ps.execute();
        }
    }

    /**
     * The fleet lock, exclusively: no apply, backup or restore holds a schema lock on this database meanwhile.
     * Waits in the server's lock queue (shares asked for meanwhile are refused, so it is not starved) for up to
     * {@code wait}; false when it stayed taken. Released by {@link #unlockFleet} or pg_advisory_unlock_all.
     */
    public static boolean lockFleet(Connection c, Duration wait) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT set_config('lock_timeout', '" + Math.max(1, wait.toMillis()) + "ms', false)");
            try {
                st.execute("SELECT pg_advisory_lock(" + FLEET_CLASS + ", 0)");
                return true;
            } catch (SQLException e) {
                if ("55P03".equals(e.getSQLState())) { // lock_not_available: the lock timeout
                    return false;
                }
                throw e;
            } finally {
                st.execute("SELECT set_config('lock_timeout', '0', false)");
            }
        }
    }

    public static void unlockFleet(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_unlock(" + FLEET_CLASS + ", 0)");
        }
    }

    /** The other sessions that hold a share of the fleet lock or wait for it: "pid 123 (tasknode-apply)", … */
    public static List<String> fleetHolders(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT l.pid, coalesce(nullif(a.application_name, ''), "
                + "a.usename::text, '?'), l.granted FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.classid = " + FLEET_CLASS + " AND l.objid = 0 AND l.objsubid = 2"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND l.pid <> pg_backend_pid() ORDER BY l.pid")) {
            while (rs.next()) {
                out.add("pid " + rs.getInt(1) + " (" + rs.getString(2) + (rs.getBoolean(3) ? "" : ", waiting") + ")");
            }
        }
        return out;
    }
}
