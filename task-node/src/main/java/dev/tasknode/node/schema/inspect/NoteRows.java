package dev.tasknode.node.schema.inspect;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Comments that no other catalog record carries: on the schema itself, on sequences, and on columns of views and
 * materialized views. One bulk query. Keys: "schema", "sequence NUL name", "column NUL view NUL column".
 */
final class NoteRows {
    private NoteRows() {}

    static final char SEP = '\u0000';

    /**
     * Comments are looked up per object (LATERAL or a scalar subquery), never joined: driven from pg_description, whose
     * statistics may say a row where there are thousands, the planner read the batch's relations once per comment.
     * The batch's objects join pg_namespace by OID, not the CTE of the batch's schemas: the planner hashed each object
     * row and scanned the CTE again for it (0.7 s of nothing at 500 schemas).
     */
    private static final String NOTES = """
            WITH s AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY (?))
            SELECT s.nspname, 'schema', NULL, NULL, d.description
            FROM s JOIN pg_description d ON d.objoid = s.oid AND d.classoid = 'pg_namespace'::regclass
            UNION ALL
            SELECT * FROM (SELECT n.nspname, 'sequence', c.relname, NULL::name, %s AS description
                           FROM {pg_class} c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S') q
            WHERE q.description IS NOT NULL
            UNION ALL
            SELECT n.nspname, 'column', c.relname, a.attname, d.description
            FROM {pg_class} c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL (SELECT objsubid, description FROM pg_description
                                WHERE objoid = c.oid AND classoid = 'pg_class'::regclass AND objsubid > 0 OFFSET 0) d
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
            WHERE c.relkind IN ('v', 'm')""".formatted(CatalogInspector.description("c.oid", "pg_class", "0"));

    static void read(Connection c, Batch names, ExtraRows into) throws SQLException {
        CatalogInspector.query(c, NOTES, names, rs -> {
            String key = rs.getString(2);
            if (rs.getString(3) != null) {
                key += SEP + rs.getString(3);
            }
            if (rs.getString(4) != null) {
                key += SEP + rs.getString(4);
            }
            into.of(rs.getString(1)).comments().put(key, rs.getString(5));
        });
    }
}
