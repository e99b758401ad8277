package dev.tasknode.node.schema.apply;

import dev.tasknode.contracts.Json;
import dev.tasknode.node.db.Fleet;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The migration history in the node's schema ({@code schema_history}, see db/tasknode/20-schema.sql): one row per
 * schema a create/apply run touched, written in the schema's own migration transaction, so a row exists exactly
 * when the change committed. Failures are recorded after the rollback.
 */
public final class History {
    private final String table;

    public History(String storeSchema) {
        this.table = Fleet.quote(storeSchema) + ".schema_history";
    }

    public record Last(String outcome, String fingerprintAfter) {}

    public long insert(Connection c, String schema, String taskId, String task, String outcome, List<String> statements,
                       List<String> skipped, String fingerprintBefore, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (schema_name, task_id, task, outcome, "
                + "statements, skipped, fingerprint_before, error) VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?) RETURNING id")) {
            ps.setString(1, schema);
            ps.setString(2, taskId);
            ps.setString(3, task);
            ps.setString(4, outcome);
            ps.setString(5, Json.MAPPER.writeValueAsString(statements));
            ps.setString(6, Json.MAPPER.writeValueAsString(skipped));
            ps.setString(7, fingerprintBefore);
            ps.setString(8, error);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Records the re-inspection after apply, for many rows in one statement. */
    public void finish(Connection c, Map<Long, String> fingerprintAfter, Map<Long, Boolean> matches) throws SQLException {
        if (fingerprintAfter.isEmpty()) {
            return;
        }
        Long[] ids = fingerprintAfter.keySet().toArray(Long[]::new);
        String[] fps = new String[ids.length];
        Boolean[] ms = new Boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            fps[i] = fingerprintAfter.get(ids[i]);
            ms[i] = matches.get(ids[i]);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " h SET fingerprint_after = v.fp, matches_model = v.m "
                + "FROM unnest(?::bigint[], ?::text[], ?::boolean[]) AS v(id, fp, m) WHERE h.id = v.id")) {
            ps.setArray(1, c.createArrayOf("bigint", ids));
            ps.setArray(2, c.createArrayOf("text", fps));
            ps.setArray(3, c.createArrayOf("boolean", ms));
            ps.executeUpdate();
        }
    }

    /** The newest row id: rows after it were written by runs that started later (see {@link #changedSince}). */
    public long mark(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Schemas among {@code schemas} that some run changed (or tried to) after {@code mark}. */
    public java.util.Set<String> changedSince(Connection c, long mark, Collection<String> schemas) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT schema_name FROM " + table
                + " WHERE id > ? AND schema_name = ANY (?)")) {
            ps.setLong(1, mark);
            ps.setArray(2, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The latest row per schema (absent when a schema has none). */
    public Map<String, Last> last(Connection c, Collection<String> schemas) throws SQLException {
        Map<String, Last> out = new HashMap<>();
        Array names = c.createArrayOf("text", schemas.toArray());
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ON (schema_name) schema_name, outcome, "
                + "fingerprint_after FROM " + table + " WHERE schema_name = ANY (?) ORDER BY schema_name, id DESC")) {
            ps.setArray(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Last(rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }
}
