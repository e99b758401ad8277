package dev.tasknode.node.schema.inspect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Policies of every target schema: one bulk query (row-level security flags come with {@link PartitionRows}). */
final class PolicyRows {
    private PolicyRows() {}

    /**
     * From the batch's tables, with an index lookup of each one's policies (LATERAL: the planner, told by stale
     * statistics that pg_policy is nearly empty, would otherwise read the batch's tables once per policy). Read from
     * pg_policy instead, every batch read the whole fleet's policies: one per project here.
     */
    private static final String POLICIES = """
            WITH s AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY (?))
            SELECT s.nspname, c.relname, p.polname, p.polpermissive, p.polcmd, p.polroles::text,
                   pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                   (SELECT ds.description FROM pg_description ds WHERE ds.objoid = p.oid
                    AND ds.classoid = 'pg_policy'::regclass AND ds.objsubid = 0)
            FROM {pg_class_tables} c JOIN s ON s.oid = c.relnamespace
            CROSS JOIN LATERAL (SELECT * FROM pg_policy WHERE polrelid = c.oid OFFSET 0) p""";

    static void read(Connection c, Batch names, ExtraRows into) throws SQLException {
        CatalogInspector.query(c, POLICIES, names, rs -> {
            String s = rs.getString(1);
            List<String> roles = new ArrayList<>();
            String oids = rs.getString(6); // "{0}" = PUBLIC, which makes any other role redundant
            for (String oid : oids.substring(1, oids.length() - 1).split(",")) {
                roles.add(into.role(c, Long.parseLong(oid)));
            }
            if (roles.contains("PUBLIC")) {
                roles.clear();
            }
            roles.sort(null);
            Extras.Policy p = new Extras.Policy(rs.getString(2), rs.getString(3), rs.getBoolean(4),
                    command(rs.getString(5)), List.copyOf(roles), into.norm(s, rs.getString(7)),
                    into.norm(s, rs.getString(8)), rs.getString(9));
            into.of(s).policies().put(p.table() + "." + p.name(), p);
        });
    }

    private static String command(String polcmd) {
        return switch (polcmd) {
            case "r" -> "SELECT";
            case "a" -> "INSERT";
            case "w" -> "UPDATE";
            case "d" -> "DELETE";
            default -> "ALL";
        };
    }
}
