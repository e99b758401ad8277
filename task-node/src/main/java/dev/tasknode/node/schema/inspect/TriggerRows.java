package dev.tasknode.node.schema.inspect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * User triggers of all target schemas in one query, with the columns they name (UPDATE OF, WHEN) (foreign-key triggers are internal; triggers cloned onto
 * partitions follow their parent's and are not read). Definitions are rendered once per raw form ({@link Rendered}):
 * the table and its columns, the trigger's name, its function (by signature, the schema as its placeholder) and
 * what pg_get_triggerdef shows of pg_trigger (timing and events, UPDATE OF columns by number, constraint trigger
 * options, transition tables, the WHEN condition's node tree, the arguments).
 */
final class TriggerRows {
    private TriggerRows() {}

    static final String SQL = """
            SELECT n.nspname, c.relname, t.tgname, t.oid, t.tgenabled, t.tgfoid::regprocedure::text,
                   %s,
                   (SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_depend d
                    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                    WHERE d.classid = 'pg_trigger'::regclass AND d.objid = t.oid AND d.refclassid = 'pg_class'::regclass
                      AND d.refobjsubid > 0),
                   concat_ws('|', t.tgtype, t.tgattr::text, t.tgconstraint <> 0, t.tgconstrrelid, t.tgdeferrable,
                             t.tginitdeferred, coalesce(t.tgoldtable, '-'), coalesce(t.tgnewtable, '-'),
                             coalesce(md5(t.tgqual::text), '-'), t.tgnargs, md5(t.tgargs))
            FROM pg_trigger t JOIN {pg_class} c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'f') AND NOT t.tgisinternal AND t.tgparentid = 0""".formatted(
            CatalogInspector.description("t.oid", "pg_trigger", "0"));

    static final String RENDER = "SELECT u.oid, pg_get_triggerdef(u.oid) FROM unnest(?::oid[]) u(oid)";

    /** {@code full}: with definitions (else by name only, as create_tables needs them). */
    static void read(Connection c, Batch names, CatalogRows b, Rendered rendered, boolean full) throws SQLException {
        Rendered.Pending pending = rendered.pending(RENDER);
        CatalogInspector.query(c, SQL, names, rs -> row(b, rs, full ? pending : null));
        pending.resolve(c, b);
    }

    private static void row(CatalogRows b, ResultSet rs, Rendered.Pending pending) throws SQLException {
        String s = rs.getString(1);
        String table = rs.getString(2);
        String name = rs.getString(3);
        String function = b.norm(s, rs.getString(6));
        char enabled = rs.getString(5).charAt(0);
        String comment = rs.getString(7);
        List<String> columns = rs.getArray(8) == null ? List.of() : List.of((String[]) rs.getArray(8).getArray());
        if (pending == null) {
            b.objects(s).triggers().put(table + "." + name, new SchemaObjects.Trigger(table, name, null, enabled,
                    FunctionRows.key(function), comment, columns));
            return;
        }
        String key = "t|" + table + "|" + b.columnKey(s, table) + "|" + name + "|" + function + "|" + rs.getString(9);
        pending.add(s, key, rs.getLong(4), def -> b.objects(s).triggers().put(table + "." + name,
                new SchemaObjects.Trigger(table, name, def, enabled, FunctionRows.key(function), comment, columns)));
    }
}
