package dev.tasknode.node.schema.online;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What interrupted online steps leave that the catalog comparison cannot see: invalid indexes (a CREATE INDEX
 * CONCURRENTLY that failed or whose node died). Their definitions match the model, so the diff finds nothing;
 * they take no part in queries but slow every write. One query for any number of schemas.
 */
public final class Leftovers {
    private Leftovers() {}

    /** Per schema (only those that have any): invalid index name to its table. */
    public static Map<String, Map<String, String>> invalidIndexes(Connection c, Collection<String> schemas) throws SQLException {
        Map<String, Map<String, String>> out = new HashMap<>();
        if (schemas.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname, i.relname, t.relname FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE NOT x.indisvalid AND n.nspname = ANY (?)""")) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        return out;
    }
}
