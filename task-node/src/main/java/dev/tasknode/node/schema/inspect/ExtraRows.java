package dev.tasknode.node.schema.inspect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Accumulates the rows of {@link PolicyRows}, {@link GrantRows}, {@link PartitionRows} and {@link NoteRows} into
 * one {@link Extras} per schema, normalizing rendered texts like {@link CatalogRows} does.
 */
final class ExtraRows {
    private final CatalogRows rows;
    private final Map<String, Extras> parts = new HashMap<>();
    /** role OID → name ("PUBLIC" for 0), read once per inspection when policies or grants need it */
    private Map<Long, String> roles;

    ExtraRows(CatalogRows rows) {
        this.rows = rows;
    }

    void schema(String s) {
        parts.put(s, Extras.empty());
    }

    /**
     * A schema created after the inspection looked its schemas up (create_tables running meanwhile) reads as absent
     * in all of it: the queries that find schemas by name may see it, and its rows go to a scratch record.
     */
    Extras of(String schema) {
        Extras e = parts.get(schema);
        return e != null ? e : Extras.empty();
    }

    String norm(String schema, String text) {
        return rows.norm(schema, text);
    }

    /** Role names by OID: a few rows (roles are cluster-wide), looked up in Java instead of a join per row. */
    String role(Connection c, long oid) throws SQLException {
        if (roles == null || !roles.containsKey(oid)) { // first use, or a role created while we read
            roles = new HashMap<>();
            roles.put(0L, "PUBLIC");
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT oid, rolname FROM pg_roles")) {
                while (rs.next()) {
                    roles.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return roles.getOrDefault(oid, String.valueOf(oid));
    }

    Extras build(String s) {
        Extras e = parts.remove(s);
        return e == null ? Extras.empty() : new Extras(new TreeMap<>(e.rls()), new TreeMap<>(e.policies()),
                new TreeSet<>(e.grants()), new TreeMap<>(e.partitioned()), new TreeMap<>(e.partitions()),
                new TreeMap<>(e.comments()));
    }
}
