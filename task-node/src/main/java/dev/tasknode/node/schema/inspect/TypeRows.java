package dev.tasknode.node.schema.inspect;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.TreeMap;

/** Domains (with their check constraints) and composite types (with their attributes), one query each. */
final class TypeRows {
    private TypeRows() {}

    /** A collation's name, qualified unless it is one of pg_catalog's (as columns render theirs). */
    static String collationName(String oid) {
        return "(SELECT CASE WHEN co.collnamespace = 'pg_catalog'::regnamespace THEN '' ELSE quote_ident(cn.nspname) || '.' END"
                + " || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE co.oid = " + oid + ")";
    }

    static final String DOMAINS = """
            SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
                   pg_get_expr(t.typdefaultbin, 0), CASE WHEN t.typcollation <> bt.typcollation THEN %s END,
                   co.conname, pg_get_constraintdef(co.oid), %s, %s
            FROM {pg_type} t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type bt ON bt.oid = t.typbasetype
            LEFT JOIN pg_constraint co ON co.contypid = t.oid AND co.contype = 'c'
            WHERE n.nspname = ANY (?) AND t.typtype = 'd'""".formatted(collationName("t.typcollation"),
            CatalogInspector.description("t.oid", "pg_type", "0"), CatalogInspector.description("co.oid", "pg_constraint", "0"));

    static final String COMPOSITES = """
            SELECT n.nspname, t.typname, a.attname, format_type(a.atttypid, a.atttypmod),
                   CASE WHEN a.attcollation <> at.typcollation THEN %s END, %s, %s
            FROM {pg_type} t JOIN pg_namespace n ON n.oid = t.typnamespace
            JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_type at ON at.oid = a.atttypid
            WHERE n.nspname = ANY (?) AND t.typtype = 'c'
            ORDER BY n.nspname, t.typname, a.attnum""".formatted(collationName("a.attcollation"),
            CatalogInspector.description("t.oid", "pg_type", "0"), CatalogInspector.description("c.oid", "pg_class", "a.attnum"));

    static void domain(CatalogRows b, ResultSet rs) throws SQLException {
        String s = rs.getString(1);
        String name = rs.getString(2);
        SchemaObjects.Domain d = b.objects(s).domains().get(name);
        if (d == null) { // one row per check constraint
            d = new SchemaObjects.Domain(name, b.norm(s, rs.getString(3)), rs.getBoolean(4), b.norm(s, rs.getString(5)),
                    b.norm(s, rs.getString(6)), new TreeMap<>(), new TreeMap<>(), rs.getString(9));
            b.objects(s).domains().put(name, d);
        }
        if (rs.getString(7) != null) {
            d.checks().put(rs.getString(7), b.norm(s, rs.getString(8)));
            if (rs.getString(10) != null) {
                d.checkComments().put(rs.getString(7), rs.getString(10));
            }
        }
    }

    static void composite(CatalogRows b, ResultSet rs) throws SQLException {
        String s = rs.getString(1);
        String name = rs.getString(2);
        String comment = rs.getString(6);
        SchemaObjects.Composite c = b.objects(s).composites().computeIfAbsent(name,
                k -> new SchemaObjects.Composite(name, new ArrayList<>(), comment));
        if (rs.getString(3) != null) {
            c.attributes().add(new SchemaObjects.Attribute(rs.getString(3), b.norm(s, rs.getString(4)),
                    b.norm(s, rs.getString(5)), rs.getString(7)));
        }
    }
}
