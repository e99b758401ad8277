package dev.tasknode.node.backup.restore;

import dev.tasknode.node.db.Fleet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects of other schemas that depend on a schema being replaced. Renaming the schema aside takes them along (they
 * follow OIDs, not names), so dropping the aside copy would drop them with it ({@code DROP SCHEMA … CASCADE}).
 * Foreign keys and views are captured before the rename and re-attached to the restored schema, in the transaction
 * that drops the aside copy; anything else that still depends on the aside copy makes that transaction fail, so
 * the swap is undone rather than silently dropping, say, a project's column typed with a shared enum.
 */
final class Dependents {
    private Dependents() {}

    /** A foreign key of another schema's table referencing this schema; {@code def} is fully qualified. */
    record ForeignKey(String table, String name, String def) {}

    /** A view of another schema reading from this schema: name, {@code reloptions} ("a=b, c=d") and qualified query. */
    record View(String name, String options, String query) {}

    record Captured(List<ForeignKey> foreignKeys, List<View> views) {
        static final Captured NONE = new Captured(List.of(), List.of());
    }

    /**
     * The schemas' own relations, types and functions, each row with its schema ({@code sch}): what objects elsewhere
     * can depend on. Found through their dependency on the namespace (every table, view, sequence, type and function
     * has one), plus what hangs on those without one: indexes, row types, array types. Index lookups only: pg_class
     * has no index on relnamespace, and a scan of a 1,000-project catalog costs tens of milliseconds per schema
     * restored. The one parameter is the array of schema names: a batch of schemas costs one query, not one each.
     */
    private static final String OBJECTS = "WITH top AS (SELECT n.nspname AS sch, d.classid AS cls, d.objid AS oid"
            + " FROM pg_namespace n JOIN pg_depend d ON d.refclassid = 'pg_namespace'::regclass AND d.refobjid = n.oid"
            + " WHERE n.nspname = ANY (?::text[])),"
            + " objs AS (SELECT sch, cls, oid FROM top"
            + " UNION ALL SELECT top.sch, 'pg_type'::regclass, c.reltype FROM top JOIN pg_class c ON c.oid = top.oid"
            + "   WHERE top.cls = 'pg_class'::regclass AND c.reltype <> 0"
            + " UNION ALL SELECT top.sch, 'pg_class'::regclass, i.indexrelid FROM top JOIN pg_index i ON i.indrelid = top.oid"
            + "   WHERE top.cls = 'pg_class'::regclass"
            + " UNION ALL SELECT top.sch, 'pg_type'::regclass, t.typarray FROM top JOIN pg_type t ON t.oid = top.oid"
            + "   WHERE top.cls = 'pg_type'::regclass AND t.typarray <> 0"
            + " UNION ALL SELECT top.sch, 'pg_type'::regclass, t.typarray FROM top JOIN pg_class c ON c.oid = top.oid"
            + "   JOIN pg_type t ON t.oid = c.reltype WHERE top.cls = 'pg_class'::regclass AND t.typarray <> 0)";

    /**
     * Reads what depends on {@code schema} from elsewhere. Run with {@code search_path = pg_catalog}: the captured
     * definitions then name every object with its schema, so they resolve to the restored schema later.
     */
    static Captured capture(Connection c, String schema) throws SQLException {
        return captureAll(c, List.of(schema)).get(schema);
    }

    /** {@link #capture} of several schemas in two queries; every schema is in the result ({@link Captured#NONE} if nothing). */
    static Map<String, Captured> captureAll(Connection c, List<String> schemas) throws SQLException {
        Map<String, List<ForeignKey>> fks = rows(c, OBJECTS + " SELECT x.sch, format('%I.%I', tn.nspname, t.relname), k.conname,"
                + " pg_get_constraintdef(k.oid) FROM (SELECT DISTINCT objs.sch, d.objid FROM objs JOIN pg_depend d"
                + " ON d.refclassid = objs.cls AND d.refobjid = objs.oid AND d.classid = 'pg_constraint'::regclass) x"
                + " JOIN pg_constraint k ON k.oid = x.objid JOIN pg_class t ON t.oid = k.conrelid"
                + " JOIN pg_namespace tn ON tn.oid = t.relnamespace WHERE k.contype = 'f' AND tn.nspname <> x.sch ORDER BY 1, 2, 3",
                schemas, rs -> new ForeignKey(rs.getString(2), rs.getString(3), rs.getString(4)));
        Map<String, List<View>> views = rows(c, OBJECTS + " SELECT x.sch, format('%I.%I', vn.nspname, v.relname),"
                + " coalesce(array_to_string(v.reloptions, ', '), ''), pg_get_viewdef(v.oid)"
                + " FROM (SELECT DISTINCT objs.sch, r.ev_class FROM objs JOIN pg_depend d ON d.refclassid = objs.cls AND d.refobjid = objs.oid"
                + " JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid) x"
                + " JOIN pg_class v ON v.oid = x.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace"
                + " WHERE v.relkind = 'v' AND vn.nspname <> x.sch ORDER BY x.sch, v.oid",
                schemas, rs -> new View(rs.getString(2), rs.getString(3), rs.getString(4)));
        Map<String, Captured> out = new HashMap<>();
        for (String s : schemas) {
            List<ForeignKey> f = fks.getOrDefault(s, List.of());
            List<View> v = views.getOrDefault(s, List.of());
            out.put(s, f.isEmpty() && v.isEmpty() ? Captured.NONE : new Captured(List.copyOf(f), List.copyOf(v)));
        }
        return out;
    }

    /**
     * Re-attaches the captured objects to the restored schema (same transaction as the aside copy's drop). Views are
     * replaced in place ({@code CREATE OR REPLACE}): same object, so its owner, grants, comments, triggers and the
     * views built on it stay. A view the restored tables cannot serve fails the swap (thrown). Returns warnings.
     */
    static List<String> reattach(Connection c, Captured captured) throws SQLException {
        List<String> warnings = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (ForeignKey fk : captured.foreignKeys()) {
                repoint(c, st, fk, warnings);
            }
            for (View v : captured.views()) {
                try {
                    st.execute("CREATE OR REPLACE VIEW " + v.name() + (v.options().isEmpty() ? "" : " WITH (" + v.options() + ")")
                            + " AS " + v.query());
                } catch (SQLException e) {
                    throw new SQLException("view " + v.name() + " of another schema could not be re-pointed at the restored"
                            + " tables (" + e.getMessage() + "); it was: " + v.query(), e.getSQLState(), e);
                }
            }
        }
        return warnings;
    }

    private static void repoint(Connection c, Statement st, ForeignKey fk, List<String> warnings) throws SQLException {
        String drop = "ALTER TABLE " + fk.table() + " DROP CONSTRAINT " + Fleet.quote(fk.name());
        String add = "ALTER TABLE " + fk.table() + " ADD CONSTRAINT " + Fleet.quote(fk.name()) + " " + fk.def();
        Savepoint sp = c.setSavepoint();
        try {
            st.execute(drop);
            st.execute(add);
        } catch (SQLException e) {
            c.rollback(sp);
            // rows of the other schema reference rows the restored data no longer has: keep the key for new
            // rows (NOT VALID) rather than lose it, and say so
            Savepoint sp2 = c.setSavepoint();
            try {
                st.execute(drop);
                st.execute(add + (fk.def().contains("NOT VALID") ? "" : " NOT VALID"));
                warnings.add("foreign key " + fk.table() + "." + fk.name() + " re-created NOT VALID: " + e.getMessage());
            } catch (SQLException e2) {
                c.rollback(sp2);
                warnings.add("foreign key " + fk.table() + "." + fk.name() + " could not be re-created ("
                        + e2.getMessage() + "); it was: " + fk.def());
            }
        }
    }

    /**
     * Objects outside {@code aside} that still depend on it (what {@code DROP SCHEMA aside CASCADE} would take with
     * it), foreign keys excepted: those were re-created above or reported. The owning schema of a sub-object
     * (default, rule, trigger, policy) is its table's; an object of a kind not mapped here counts as outside.
     */
    static List<String> leftovers(Connection c, String aside) throws SQLException {
        return leftoversAll(c, List.of(aside)).getOrDefault(aside, List.of());
    }

    /** {@link #leftovers} of several aside copies in one query; only those with leftovers are in the result. */
    static Map<String, List<String>> leftoversAll(Connection c, List<String> asides) throws SQLException {
        return rows(c, OBJECTS + " SELECT DISTINCT objs.sch, o.type || ' ' || o.identity"
                + " FROM objs JOIN pg_depend d ON d.refclassid = objs.cls AND d.refobjid = objs.oid"
                + " CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) o"
                + " WHERE d.deptype IN ('n', 'a') AND coalesce(CASE d.classid"
                + " WHEN 'pg_class'::regclass THEN (SELECT relnamespace::bigint FROM pg_class WHERE oid = d.objid)"
                + " WHEN 'pg_type'::regclass THEN (SELECT typnamespace::bigint FROM pg_type WHERE oid = d.objid)"
                + " WHEN 'pg_proc'::regclass THEN (SELECT pronamespace::bigint FROM pg_proc WHERE oid = d.objid)"
                + " WHEN 'pg_constraint'::regclass THEN (SELECT CASE WHEN contype = 'f' THEN -1 ELSE connamespace::bigint END"
                + "   FROM pg_constraint WHERE oid = d.objid)"
                + " WHEN 'pg_statistic_ext'::regclass THEN (SELECT stxnamespace::bigint FROM pg_statistic_ext WHERE oid = d.objid)"
                + " WHEN 'pg_attrdef'::regclass THEN (SELECT t.relnamespace::bigint FROM pg_attrdef x JOIN pg_class t ON t.oid = x.adrelid WHERE x.oid = d.objid)"
                + " WHEN 'pg_rewrite'::regclass THEN (SELECT t.relnamespace::bigint FROM pg_rewrite x JOIN pg_class t ON t.oid = x.ev_class WHERE x.oid = d.objid)"
                + " WHEN 'pg_trigger'::regclass THEN (SELECT t.relnamespace::bigint FROM pg_trigger x JOIN pg_class t ON t.oid = x.tgrelid WHERE x.oid = d.objid)"
                + " WHEN 'pg_policy'::regclass THEN (SELECT t.relnamespace::bigint FROM pg_policy x JOIN pg_class t ON t.oid = x.polrelid WHERE x.oid = d.objid)"
                + " END, 0) NOT IN (-1, (SELECT oid FROM pg_namespace WHERE nspname = objs.sch)::bigint) ORDER BY 1, 2",
                asides, rs -> rs.getString(2));
    }

    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs a query over {@link #OBJECTS} (its one parameter: the schemas) whose first column is the schema; rows grouped by it. */
    private static <T> Map<String, List<T>> rows(Connection c, String sql, List<String> schemas, Row<T> row) throws SQLException {
        Map<String, List<T>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(row.map(rs));
                }
            }
        }
        return out;
    }
}
