package dev.tasknode.node.schema.inspect;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Row-level security flags and policies of every target schema: two bulk queries. */
final class PolicyRows {
    private PolicyRows() {}

    private static final String RLS = """
            SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p') AND (c.relrowsecurity OR c.relforcerowsecurity)""";

    private static final String POLICIES = """
            SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd, p.polroles::text,
                   pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), ds.description
            FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_description ds ON ds.objoid = p.oid AND ds.classoid = 'pg_policy'::regclass AND ds.objsubid = 0
            WHERE n.nspname = ANY (?)""";

    static void read(Connection c, Array names, ExtraRows into) throws SQLException {
        CatalogInspector.query(c, RLS, names, rs -> into.of(rs.getString(1)).rls().put(rs.getString(2),
                new Extras.Rls(rs.getBoolean(3), rs.getBoolean(4))));
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
