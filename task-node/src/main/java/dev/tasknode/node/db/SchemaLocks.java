package dev.tasknode.node.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 */
public final class SchemaLocks {
    private SchemaLocks() {}

    /** 'tkn1': keeps our advisory locks apart from the platform's own. */
    public static final int LOCK_CLASS = 0x746b6e31;

    public static int key(String schema) {
        CRC32 crc = new CRC32();
        crc.update(schema.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** Takes the lock if free, at once. */
    public static boolean tryLock(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setInt(2, key(schema));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Retries {@link #tryLock} until {@code wait} has passed; false when the schema stayed busy. */
    public static boolean lock(Connection c, String schema, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 20;
        while (true) {
            if (tryLock(c, schema)) {
                return true;
            }
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
    }

    public static void unlock(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            ps.setInt(1, LOCK_CLASS);
            ps.setInt(2, key(schema));
            ps.execute();
        }
    }

    /**
     * Locks of many schemas, one round trip per attempt; busy ones are tried again, with growing pauses, until
     * {@code wait} has passed. Returns those locked (in {@code schemas}' order). Each lock is an entry of the
     * server's lock table until released: callers lock bounded rounds, not a whole large fleet at once.
     */
    public static Set<String> lockAll(Connection c, List<String> schemas, Duration wait) throws SQLException, InterruptedException {
        Set<String> locked = new LinkedHashSet<>();
        List<String> pending = new ArrayList<>(schemas);
        long deadline = System.nanoTime() + wait.toNanos();
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
    }
}
