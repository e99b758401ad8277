package dev.tasknode.node.schema.validate;

import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A shared change that objects in other schemas stand in the way of: a shared column retyped or dropped, or a shared
 * table dropped, while project views, policies, SQL-standard functions (or, for a drop, foreign keys) depend on it.
 * PostgreSQL refuses such a change, and the shared schema migrates first and on its own, so its plan cannot rebuild
 * them: each project's dependents are that project's model, migrated in the project's own transaction after the
 * shared one. Dropping a thousand projects' views and policies in the shared transaction would hold every project's
 * tables at once and re-create objects that are not the shared plan's to know. So the shared change set is refused
 * before anything live changes ({@code unplannable}), naming the objects (from {@code pg_depend}) and the way to make
 * the change. One query per changed shared column or dropped table, on the live database, whatever the fleet's size.
 */
final class SharedDependents {
    private SharedDependents() {}

    private static final int NAMED = 10;

    private static final String SQL = """
            SELECT DISTINCT n.nspname,
                   CASE WHEN d.classid = 'pg_rewrite'::regclass THEN 'view ' || r.ev_class::regclass::text
                        ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END
            FROM pg_depend d
            LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
            LEFT JOIN pg_policy p ON d.classid = 'pg_policy'::regclass AND p.oid = d.objid
            LEFT JOIN pg_proc f ON d.classid = 'pg_proc'::regclass AND f.oid = d.objid
            LEFT JOIN pg_constraint k ON d.classid = 'pg_constraint'::regclass AND k.oid = d.objid
            LEFT JOIN pg_attrdef a ON d.classid = 'pg_attrdef'::regclass AND a.oid = d.objid
            LEFT JOIN pg_class rel ON rel.oid = coalesce(r.ev_class, p.polrelid, k.conrelid, a.adrelid)
            JOIN pg_namespace n ON n.oid = coalesce(rel.relnamespace, f.pronamespace)
            WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = to_regclass(?) AND d.deptype = 'n'
              AND (?::text IS NULL OR d.refobjsubid = (SELECT attnum FROM pg_attribute
                                                      WHERE attrelid = d.refobjid AND attname = ?))
              AND n.nspname <> ?
              AND (d.classid <> 'pg_constraint'::regclass OR ?)
            ORDER BY 1, 2""";

    /** Why the shared plan cannot run while those objects exist, or null when nothing outside it depends on what it changes. */
    static String why(Connection live, Plan shared, String sharedSchema) throws SQLException {
        Set<String> objects = new TreeSet<>();
        Set<String> schemas = new TreeSet<>();
        Set<String> changed = new LinkedHashSet<>();
        try (PreparedStatement ps = live.prepareStatement(SQL)) {
            for (Step s : shared.steps()) {
                for (String k : s.keys().reshapes()) {
                    check(ps, k, false, sharedSchema, objects, schemas, changed);
                }
                for (String k : s.keys().drops()) {
                    check(ps, k, true, sharedSchema, objects, schemas, changed);
                }
            }
        }
        if (objects.isEmpty()) {
            return null;
        }
        String named = String.join(", ", objects.stream().limit(NAMED).toList())
                + (objects.size() > NAMED ? ", … (" + objects.size() + " objects)" : "");
        return "the shared change set changes or drops " + String.join(", ", changed) + ", which " + objects.size()
                + " object(s) in " + schemas.size() + " other schema(s) depend on: " + named + ". PostgreSQL refuses the "
                + "change while they exist, and the shared schema migrates first, on its own, so the engine does not drop "
                + "and rebuild the projects' objects in the shared transaction; nothing was changed. To make this change: "
                + "remove these objects (or their use of it) from the project model and apply, then apply the shared "
                + "change, then put them back in the project model and apply again (or add a new shared column, move the "
                + "projects to it, then drop the old one)";
    }

    private static void check(PreparedStatement ps, String key, boolean drop, String sharedSchema, Set<String> objects,
                              Set<String> schemas, Set<String> changed) throws SQLException {
        String table;
        String column;
        if (key.startsWith("column:")) {
            table = Key.parent(key).substring("table:".length());
            column = key.substring(key.indexOf('.') + 1);
        } else if (key.startsWith("table:") && drop) {
            table = key.substring("table:".length());
            column = null;
        } else {
            return;
        }
        ps.setString(1, quote(sharedSchema) + "." + quote(table));
        ps.setString(2, column);
        ps.setString(3, column);
        ps.setString(4, sharedSchema);
        ps.setBoolean(5, drop); // a retyped key column: PostgreSQL rebuilds the foreign keys on it itself
        int before = objects.size();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
                objects.add(rs.getString(2));
            }
        }
        if (objects.size() > before) {
            changed.add((column == null ? "table " : "column ") + sharedSchema + "." + table + (column == null ? "" : "." + column));
        }
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
