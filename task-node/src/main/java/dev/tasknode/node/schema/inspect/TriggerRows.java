package dev.tasknode.node.schema.inspect;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * User triggers of all target schemas in one query, with the columns they name (UPDATE OF, WHEN) (foreign-key triggers are internal; triggers cloned onto
 * partitions follow their parent's and are not read).
 */
final class TriggerRows {
    private TriggerRows() {}

    static final String SQL = """
            SELECT n.nspname, c.relname, t.tgname, CASE WHEN {full} THEN pg_get_triggerdef(t.oid) END, t.tgenabled, t.tgfoid::regprocedure::text,
                   %s,
                   (SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_depend d
                    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                    WHERE d.classid = 'pg_trigger'::regclass AND d.objid = t.oid AND d.refclassid = 'pg_class'::regclass
                      AND d.refobjsubid > 0)
            FROM pg_trigger t JOIN {pg_class} c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (?) AND NOT t.tgisinternal AND t.tgparentid = 0""".formatted(
            CatalogInspector.description("t.oid", "pg_trigger", "0"));

    static void row(CatalogRows b, ResultSet rs) throws SQLException {
        String s = rs.getString(1);
        String table = rs.getString(2);
        String name = rs.getString(3);
        b.objects(s).triggers().put(table + "." + name, new SchemaObjects.Trigger(table, name, b.norm(s, rs.getString(4)),
                rs.getString(5).charAt(0), FunctionRows.key(b.norm(s, rs.getString(6))), rs.getString(7),
                rs.getArray(8) == null ? List.of() : List.of((String[]) rs.getArray(8).getArray())));
    }
}
