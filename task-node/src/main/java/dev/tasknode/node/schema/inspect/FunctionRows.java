package dev.tasknode.node.schema.inspect;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Functions and procedures of all target schemas in one query. pg_get_functiondef gives the whole
 * {@code CREATE OR REPLACE} statement, which is both what is compared and what the plan runs. Functions that
 * belong to an extension are left out (the extension manages them); aggregates and window functions are not read.
 */
final class FunctionRows {
    private FunctionRows() {}

    static final String SQL = """
            SELECT n.nspname, p.oid::regprocedure::text, p.prokind, CASE WHEN {full} THEN pg_get_functiondef(p.oid) END,
                   pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), %s,
                   EXISTS (SELECT 1 FROM pg_depend d WHERE d.refclassid = 'pg_proc'::regclass AND d.refobjid = p.oid
                           AND d.classid IN ('pg_attrdef'::regclass, 'pg_constraint'::regclass, 'pg_class'::regclass))
            FROM {pg_proc} p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = ANY (?) AND p.prokind IN ('f', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid
                              AND e.deptype = 'e')""".formatted(CatalogInspector.description("p.oid", "pg_proc", "0"));

    static void row(CatalogRows b, ResultSet rs) throws SQLException {
        String s = rs.getString(1);
        String key = key(b.norm(s, rs.getString(2)));
        b.objects(s).functions().put(key, new SchemaObjects.Function(key, "p".equals(rs.getString(3)),
                normCode(b, s, rs.getString(4)), normCode(b, s, rs.getString(5)), normCode(b, s, rs.getString(6)),
                rs.getBoolean(8), rs.getString(7)));
    }

    /** {@code {schema}.name(types)} → {@code name(types)}; null for a function of another schema. */
    static String key(String normalizedSignature) {
        return normalizedSignature.startsWith("{schema}.") ? normalizedSignature.substring("{schema}.".length()) : null;
    }

    private static final Pattern SEARCH_PATH = Pattern.compile("(?m)^ SET search_path TO (.*)$");
    private static final Pattern LITERAL = Pattern.compile("'((?:[^']|'')*)'");

    /**
     * A function's text with placeholders. Bodies are the model's own text, where {@code {schema}.} was bound to
     * the bare shadow name but, in live schemas, to the quoted one ({@code "p_1".}): both become {@code {schema}.}.
     * In {@code SET search_path TO 'p_1', 'public'} the schema is a string literal; it becomes the bare placeholder
     * ({@code SET search_path TO {schema}, 'public'}), which binds to a quoted identifier, the same setting.
     */
    static String normCode(CatalogRows b, String s, String text) {
        if (text == null) {
            return null;
        }
        String out = b.norm(s, text);
        out = CatalogInspector.replaceQualifier(out, alwaysQuoted(s), "{schema}");
        if (!s.equals(b.shared())) {
            out = CatalogInspector.replaceQualifier(out, alwaysQuoted(b.shared()), "{shared}");
        }
        Matcher m = SEARCH_PATH.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Matcher lit = LITERAL.matcher(m.group(1));
            StringBuilder path = new StringBuilder();
            while (lit.find()) {
                String v = lit.group(1).replace("''", "'");
                String r = v.equals(s) ? "{schema}" : v.equals(b.shared()) ? "{shared}" : lit.group();
                lit.appendReplacement(path, Matcher.quoteReplacement(r));
            }
            lit.appendTail(path);
            m.appendReplacement(sb, Matcher.quoteReplacement(" SET search_path TO " + path));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String alwaysQuoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
