package dev.tasknode.node.backup.pg;

import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.SchemaLocks;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The catalog queries backups and restores share: which schemas exist, their tables, exact row counts, locks. */
public final class SchemaCatalog {
    private SchemaCatalog() {}

    public static Set<String> existing(Connection c, Collection<String> schemas) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT nspname FROM pg_namespace WHERE nspname = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        Set<String> ordered = new LinkedHashSet<>();
        schemas.stream().filter(out::contains).forEach(ordered::add);
        return ordered;
    }

    public static boolean exists(Connection c, String schema) throws SQLException {
        return !existing(c, List.of(schema)).isEmpty();
    }

    /** Relations pg_dump locks (tables, partitioned, materialized views, foreign tables), per schema. */
    public static Map<String, Integer> lockableRelations(Connection c, Collection<String> schemas) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, count(c.oid) FROM pg_namespace n"
                + " LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r','p','m','f')"
                + " WHERE n.nspname = ANY (?) GROUP BY n.nspname")) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    /** Ordinary tables of a schema, sorted. */
    static List<String> tables(Connection c, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r' ORDER BY c.relname")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Exact row counts per table ({@code FROM ONLY}, so partitions and inheritance children are counted once,
     * in their own table). One statement per schema: a thousand schemas cost a thousand round trips, not 20,000.
     */
    public static Map<String, Long> rowCounts(Connection c, String schema) throws SQLException {
        return rowCounts(c, Map.of(schema, tables(c, schema))).getOrDefault(schema, new TreeMap<>());
    }

    /** Ordinary tables of several schemas in one query; every schema is in the result, maybe with no table. */
    public static Map<String, List<String>> tables(Connection c, Collection<String> schemas) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        schemas.forEach(s -> out.put(s, new ArrayList<>()));
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = ANY (?) AND c.relkind = 'r' ORDER BY 1, 2")) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.get(rs.getString(1)).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    /** Exact row counts of the given tables of several schemas, in one statement. */
    public static Map<String, Map<String, Long>> rowCounts(Connection c, Map<String, List<String>> tables) throws SQLException {
        Map<String, Map<String, Long>> out = new HashMap<>();
        List<String[]> index = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        for (var e : tables.entrySet()) {
            out.put(e.getKey(), new TreeMap<>());
            for (String t : e.getValue()) {
                sql.append(index.isEmpty() ? "" : " UNION ALL ").append("SELECT ").append(index.size())
                        .append(", count(*) FROM ONLY ").append(Fleet.quote(e.getKey())).append('.').append(Fleet.quote(t));
                index.add(new String[] {e.getKey(), t});
            }
        }
        if (index.isEmpty()) {
            return out;
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
            while (rs.next()) {
                String[] st2 = index.get(rs.getInt(1));
                out.get(st2[0]).put(st2[1], rs.getLong(2));
            }
        }
        return out;
    }

    /** What {@link #lockAll} could not lock: the busy schemas (none = all locked) and why, for their reports. */
    public record Busy(List<String> schemas, String why) {
        public boolean none() {
            return schemas.isEmpty();
        }
    }

    /**
     * Locks {@code schemas} on {@code c} (session level) against apply, backup and restore: the advisory lock of each
     * schema (all free ones in one round trip, then the busy ones until {@code wait} has passed), or, for more than
     * {@code fleetAbove} schemas, the fleet lock alone (SchemaLocks: ten thousand schema locks would overflow the
     * server's lock table and leave pg_dump no room). The fleet lock is all or nothing: when it stays taken every
     * schema is busy, and the reason names the sessions that held it. Released by {@link #unlockAll}.
     */
    public static Busy lockAll(Connection c, List<String> schemas, Duration wait, int fleetAbove) throws SQLException {
        if (schemas.size() > fleetAbove) {
            if (SchemaLocks.lockFleet(c, wait)) {
                return new Busy(List.of(), null);
            }
            return new Busy(List.copyOf(schemas), "the fleet lock stayed taken for " + wait + " by "
                    + String.join(", ", SchemaLocks.fleetHolders(c)) + " (apply or restore running)");
        }
        if (!SchemaLocks.shareFleet(c, wait)) {
            return new Busy(List.copyOf(schemas), "a backup or restore of the whole fleet held the fleet lock for " + wait
                    + " (" + String.join(", ", SchemaLocks.fleetHolders(c)) + ")");
        }
        List<String> busy = new ArrayList<>();
        Integer[] keys = schemas.stream().map(SchemaLocks::key).toArray(Integer[]::new);
        try (PreparedStatement ps = c.prepareStatement("SELECT s FROM unnest(?::text[], ?::int[]) AS x(s, k)"
                + " WHERE NOT pg_try_advisory_lock(" + SchemaLocks.LOCK_CLASS + ", k)")) {
            Array names = c.createArrayOf("text", schemas.toArray());
            ps.setArray(1, names);
            ps.setArray(2, c.createArrayOf("int4", keys));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    busy.add(rs.getString(1));
                }
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> still = new ArrayList<>();
        for (String s : busy) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!SchemaLocks.lock(c, s, left)) {
                still.add(s);
            }
        }
        return new Busy(still, "its advisory lock stayed taken for " + wait + " (apply, backup or restore running)");
    }

    public static void unlockAll(Connection c) {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_unlock_all()"); // the schema locks and the fleet lock, shared or not
        } catch (SQLException ignored) {
            // the connection is closed next; its session locks go with it
        }
    }

    public static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
