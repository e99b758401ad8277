package dev.tasknode.node.schema.inspect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * Privileges on the schema, its relations (tables, partitions, views, materialized views, sequences), their
 * columns, routines and types: one bulk query over the ACL columns with {@code aclexplode}.
 *
 * <p>Normalization, so that nothing diffs for ever: a NULL ACL is read as PostgreSQL's default for the kind
 * (as {@code acldefault} says: nothing for tables, EXECUTE for PUBLIC on routines, USAGE for PUBLIC on types), and
 * the owner's own privileges are left out (implicit, and the owner may differ between the shadow and a live
 * schema restored by another role). The grantor is not compared. Each routine and type also gets one marker
 * (grantee and privilege "") saying that it exists: a routine whose EXECUTE was revoked from PUBLIC has no
 * other row, and the diff must tell it from a routine the model drops. Roles are cluster-wide names, written in the
 * model as they are: a per-schema role ({@code {schema}_reader}) would make every schema's catalog differ and
 * defeat fingerprint grouping, and platforms we looked at (shared schema + schema per tenant) grant to a few
 * fixed application roles; so there is no role placeholder.
 */
final class GrantRows {
    private GrantRows() {}

    /**
     * Only non-NULL ACLs are exploded (a NULL one is the default: nothing for the schema, relations and columns; for
     * routines and types PUBLIC's privilege, added in Java from the marker row's "default" flag). Exploding
     * every default ACL cost more than the rest of the query; so did hashing all of pg_class to tell a table's row
     * type from a composite type (an index lookup per row type is cheaper).
     */
    private static final String GRANTS = """
            WITH s AS (SELECT oid, nspname, nspacl, nspowner FROM pg_namespace WHERE nspname = ANY (?))
            SELECT s.nspname, 'SCHEMA', '', '', a.grantee, a.privilege_type, a.is_grantable
            FROM s, aclexplode(s.nspacl) a WHERE s.nspacl IS NOT NULL AND a.grantee <> s.nspowner
            UNION ALL
            SELECT n.nspname, CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.relname, '',
                   a.grantee, a.privilege_type, a.is_grantable
            FROM {pg_class} c JOIN pg_namespace n ON n.oid = c.relnamespace AND c.relacl IS NOT NULL, aclexplode(c.relacl) a
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND a.grantee <> c.relowner
            UNION ALL
            SELECT n.nspname, 'TABLE', c.relname, at.attname, a.grantee, a.privilege_type, a.is_grantable
            FROM {column_acl_relations} c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute at ON at.attrelid = c.oid AND at.attacl IS NOT NULL AND at.attnum > 0 AND NOT at.attisdropped,
                 aclexplode(at.attacl) a
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.grantee <> c.relowner
            UNION ALL
            SELECT n.nspname, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure::text, '',
                   a.grantee, a.privilege_type, a.is_grantable
            FROM {pg_proc} p JOIN pg_namespace n ON n.oid = p.pronamespace AND p.proacl IS NOT NULL, aclexplode(p.proacl) a
            WHERE a.grantee <> p.proowner
            UNION ALL
            SELECT n.nspname, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure::text, '',
                   NULL, CASE WHEN p.proacl IS NULL THEN 'EXECUTE' ELSE '' END, false
            FROM {pg_proc} p JOIN pg_namespace n ON n.oid = p.pronamespace
            UNION ALL
            SELECT n.nspname, 'TYPE', t.typname, '', a.grantee, a.privilege_type, a.is_grantable
            FROM {pg_type} t JOIN pg_namespace n ON n.oid = t.typnamespace AND t.typacl IS NOT NULL, aclexplode(t.typacl) a
            WHERE a.grantee <> t.typowner
            UNION ALL
            SELECT n.nspname, 'TYPE', t.typname, '', NULL, CASE WHEN t.typacl IS NULL THEN 'USAGE' ELSE '' END, false
            FROM {pg_type} t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE NOT (t.typtype = 'b' AND t.typcategory = 'A') AND t.typtype <> 'm'
              AND (t.typrelid = 0 OR EXISTS (SELECT 1 FROM pg_class tc WHERE tc.oid = t.typrelid AND tc.relkind = 'c'))""";

    /**
     * @param columnAclTables the tables whose columns COLUMNS saw with privileges of their own: the column privileges
     *                        are read from those and from the views and foreign tables (whose columns COLUMNS does not
     *                        read), not from every column of the batch again (more than half of this query's time)
     */
    static void read(Connection c, Batch names, ExtraRows into, Set<Long> columnAclTables) throws SQLException {
        String sql = GRANTS.replace("{column_acl_relations}", names.withViews(columnAclTables));
        CatalogInspector.query(c, sql, names, rs -> {
            String s = rs.getString(1);
            String kind = rs.getString(2);
            String name = kind.endsWith("FUNCTION") || kind.equals("PROCEDURE") ? into.norm(s, rs.getString(3)) : rs.getString(3);
            long grantee = rs.getLong(5);
            if (!rs.wasNull()) {
                into.of(s).grants().add(new Extras.Grant(kind, name, rs.getString(4), into.role(c, grantee), rs.getString(6),
                        rs.getBoolean(7)));
                return;
            }
            into.of(s).grants().add(new Extras.Grant(kind, name, "", "", "", false)); // the object exists
            if (!rs.getString(6).isEmpty()) { // NULL ACL: PUBLIC's default privilege
                into.of(s).grants().add(new Extras.Grant(kind, name, "", "PUBLIC", rs.getString(6), false));
            }
        });
    }
}
