package dev.tasknode.node.schema.inspect;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Collations created in the target schemas. The ICU locale column is read through to_jsonb: it is
 * {@code colliculocale} up to PostgreSQL 16 and {@code colllocale} from 17.
 */
final class CollationRows {
    private CollationRows() {}

    static final String SQL = """
            SELECT n.nspname, c.collname, c.collprovider, c.collcollate, c.collctype,
                   coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale'), c.collisdeterministic,
                   %s
            FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
            WHERE n.nspname = ANY (?)""".formatted(CatalogInspector.description("c.oid", "pg_collation", "0"));

    static void row(CatalogRows b, ResultSet rs) throws SQLException {
        String name = rs.getString(2);
        b.objects(rs.getString(1)).collations().put(name, new SchemaObjects.Collation(name, rs.getString(3).charAt(0),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getString(8)));
    }
}
