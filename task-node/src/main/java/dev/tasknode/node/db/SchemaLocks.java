package dev.tasknode.node.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
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
}
