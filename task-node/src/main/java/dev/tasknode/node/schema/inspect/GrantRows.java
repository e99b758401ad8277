package dev.tasknode.node.schema.inspect;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Privileges on the schema, its relations (tables, partitions, views, materialized views, sequences), their
 * columns, routines and types: one bulk query over the ACL columns with {@code aclexplode}.
 *
 * <p>Normalization, so that nothing diffs for ever: a NULL ACL is read as PostgreSQL's default for the kind
 * ({@code acldefault}: nothing for tables, EXECUTE for PUBLIC on routines, USAGE for PUBLIC on types), and
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

    private static final String GRANTS = """
            WITH s AS (SELECT oid, nspname, nspacl, nspowner FROM pg_namespace WHERE nspname = ANY (?))
            SELECT s.nspname, 'SCHEMA', '', '', a.grantee, a.privilege_type, a.is_grantable
            FROM s, aclexplode(coalesce(s.nspacl, acldefault('n', s.nspowner))) a WHERE a.grantee <> s.nspowner
            UNION ALL
            SELECT s.nspname, CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.relname, '',
                   a.grantee, a.privilege_type, a.is_grantable
            FROM s JOIN pg_class c ON c.relnamespace = s.oid,
                 aclexplode(coalesce(c.relacl, acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", c.relowner))) a
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND a.grantee <> c.relowner
            UNION ALL
            SELECT s.nspname, 'TABLE', c.relname, at.attname, a.grantee, a.privilege_type, a.is_grantable
            FROM s JOIN pg_class c ON c.relnamespace = s.oid
            JOIN pg_attribute at ON at.attrelid = c.oid AND at.attacl IS NOT NULL AND at.attnum > 0 AND NOT at.attisdropped,
                 aclexplode(at.attacl) a
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.grantee <> c.relowner
            UNION ALL
            SELECT s.nspname, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure::text, '',
                   a.grantee, a.privilege_type, a.is_grantable
            FROM s JOIN pg_proc p ON p.pronamespace = s.oid, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
            WHERE a.grantee <> p.proowner
            UNION ALL
            SELECT s.nspname, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.oid::regprocedure::text, '',
                   NULL, '', false
            FROM s JOIN pg_proc p ON p.pronamespace = s.oid
            UNION ALL
            SELECT s.nspname, 'TYPE', t.typname, '', a.grantee, a.privilege_type, a.is_grantable
            FROM s JOIN pg_type t ON t.typnamespace = s.oid LEFT JOIN pg_class tc ON tc.oid = t.typrelid,
                 aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) a
            WHERE a.grantee <> t.typowner AND NOT (t.typtype = 'b' AND t.typcategory = 'A') AND t.typtype <> 'm'
              AND (t.typrelid = 0 OR tc.relkind = 'c')
            UNION ALL
            SELECT s.nspname, 'TYPE', t.typname, '', NULL, '', false
            FROM s JOIN pg_type t ON t.typnamespace = s.oid LEFT JOIN pg_class tc ON tc.oid = t.typrelid
            WHERE NOT (t.typtype = 'b' AND t.typcategory = 'A') AND t.typtype <> 'm' AND (t.typrelid = 0 OR tc.relkind = 'c')""";

    static void read(Connection c, Array names, ExtraRows into) throws SQLException {
        CatalogInspector.query(c, GRANTS, names, rs -> {
            String s = rs.getString(1);
            String kind = rs.getString(2);
            String name = kind.endsWith("FUNCTION") || kind.equals("PROCEDURE") ? into.norm(s, rs.getString(3)) : rs.getString(3);
            long grantee = rs.getLong(5);
            String role = rs.wasNull() ? "" : into.role(c, grantee);
            into.of(s).grants().add(new Extras.Grant(kind, name, rs.getString(4), role, rs.getString(6), rs.getBoolean(7)));
        });
    }
}
