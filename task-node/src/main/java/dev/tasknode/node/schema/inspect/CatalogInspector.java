package dev.tasknode.node.schema.inspect;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the catalogs of many schemas at once: seven pg_catalog queries whatever the number of schemas (no
 * per-schema or per-table round trips, no JDBC DatabaseMetaData). Rendering functions run under
 * {@code search_path = pg_catalog} so every name outside pg_catalog comes back schema-qualified, and the
 * qualifiers are then replaced by placeholders (see {@link Catalog}). (Atlas's sql/postgres inspect layer.)
 */
public final class CatalogInspector {
    private CatalogInspector() {}

    private record Ns(String quoted) {}

    private static final String RELATIONS = """
            SELECT n.nspname, c.relname, c.relkind, ds.description, c.reltuples::bigint,
                   CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
                   format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                   d.deptype, ot.relname, oa.attname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
            LEFT JOIN pg_sequence s ON s.seqrelid = c.oid
            LEFT JOIN pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
            LEFT JOIN pg_class ot ON ot.oid = d.refobjid
            LEFT JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
            WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'S')""";

    private static final String COLUMNS = """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
                   CASE WHEN a.attcollation <> t.typcollation THEN
                        (SELECT quote_ident(co.collname) FROM pg_collation co WHERE co.oid = a.attcollation) END,
                   ds.description
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
            LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
            WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY n.nspname, c.relname, a.attnum""";

    private static final String CONSTRAINTS = """
            SELECT n.nspname, c.relname, co.conname, co.contype, pg_get_constraintdef(co.oid),
                   (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(co.conkey) WITH ORDINALITY k(num, ord)
                    JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num),
                   ds.description
            FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_description ds ON ds.objoid = co.oid AND ds.classoid = 'pg_constraint'::regclass AND ds.objsubid = 0
            WHERE n.nspname = ANY (?) AND co.contype IN ('p', 'u', 'f', 'c', 'x')""";

    /**
     * pg_get_indexdef is the costliest rendering function: for the fleet the comparison uses a key built from
     * pg_index's parts (columns, operator classes and collations by name — extension OIDs differ between
     * the shadow and the live database — options, expressions, predicate); the full definition
     * is rendered only when asked ({render}: the shadow schemas, whose definitions become CREATE INDEX statements).
     */
    private static final String INDEXES = """
            SELECT n.nspname, t.relname, i.relname, CASE WHEN {render} THEN pg_get_indexdef(x.indexrelid) END, x.indisunique,
                   EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conrelid = t.oid AND co.conindid = x.indexrelid
                           AND co.contype IN ('p', 'u', 'x')),
                   ds.description,
                   concat_ws(' ', am.amname, x.indisunique, x.indnullsnotdistinct, x.indnkeyatts,
                       (SELECT string_agg(coalesce(quote_ident(a.attname), '*'), ',' ORDER BY k.o)
                        FROM unnest(x.indkey) WITH ORDINALITY k(num, o)
                        LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.num),
                       (SELECT string_agg(quote_ident(opc.opcname), ',' ORDER BY k.o)
                        FROM unnest(x.indclass) WITH ORDINALITY k(cls, o) JOIN pg_opclass opc ON opc.oid = k.cls),
                       x.indoption::text,
                       (SELECT string_agg(coalesce(quote_ident(col.collname), '-'), ',' ORDER BY k.o)
                        FROM unnest(x.indcollation) WITH ORDINALITY k(coll, o) LEFT JOIN pg_collation col ON col.oid = k.coll),
                       pg_get_expr(x.indexprs, x.indrelid), 'WHERE', pg_get_expr(x.indpred, x.indrelid))
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
            LEFT JOIN pg_description ds ON ds.objoid = i.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
            WHERE n.nspname = ANY (?)""";

    private static final String ENUMS = """
            SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder), obj_description(t.oid, 'pg_type')
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
            WHERE n.nspname = ANY (?) GROUP BY n.nspname, t.typname, t.oid""";

    private static final String VIEW_DEPS = """
            SELECT DISTINCT n.nspname, v.relname, r.relname
            FROM pg_rewrite rw JOIN pg_class v ON v.oid = rw.ev_class JOIN pg_namespace n ON n.oid = v.relnamespace
            JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
            JOIN pg_class r ON r.oid = d.refobjid AND r.relnamespace = v.relnamespace AND r.oid <> v.oid
            WHERE n.nspname = ANY (?) AND v.relkind IN ('v', 'm')""";

    /**
     * Inspects {@code schemas}; absent ones come back with {@code exists = false}.
     *
     * @param shared     the shared schema's name, rendered as {@code {shared}} in other schemas' texts
     * @param extensions the extensions the model cares about; each catalog lists those installed
     */
    public static Map<String, Catalog.Schema> inspect(Connection c, Collection<String> schemas, String shared,
                                                      Set<String> extensions) throws SQLException {
        return inspect(c, schemas, shared, extensions, false);
    }

    /** @param render also render full index definitions (needed for the desired side only) */
    public static Map<String, Catalog.Schema> inspect(Connection c, Collection<String> schemas, String shared,
                                                      Set<String> extensions, boolean render) throws SQLException {
        Map<String, Ns> ns = new HashMap<>();
        String previousPath;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT current_setting('search_path'), set_config('search_path', 'pg_catalog', false)")) {
            rs.next();
            previousPath = rs.getString(1);
        }
        try {
            Array names = c.createArrayOf("text", schemas.toArray());
            String sharedQuoted = null;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT nspname, quote_ident(nspname) FROM pg_namespace WHERE nspname = ANY (?) OR nspname = ?")) {
                ps.setArray(1, names);
                ps.setString(2, shared);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ns.put(rs.getString(1), new Ns(rs.getString(2)));
                    }
                }
            }
            if (ns.containsKey(shared)) {
                sharedQuoted = ns.get(shared).quoted();
            }
            TreeSet<String> installed = new TreeSet<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT extname FROM pg_extension")) {
                while (rs.next()) {
                    if (extensions.contains(rs.getString(1))) {
                        installed.add(rs.getString(1));
                    }
                }
            }
            Builder b = new Builder(ns, sharedQuoted == null ? quoteIdent(shared) : sharedQuoted, shared, installed);
            for (String s : schemas) {
                if (ns.containsKey(s)) {
                    b.schema(s);
                }
            }
            query(c, RELATIONS, names, b::relation);
            query(c, COLUMNS, names, b::column);
            query(c, CONSTRAINTS, names, b::constraint);
            query(c, INDEXES.replace("{render}", String.valueOf(render)), names, b::index);
            query(c, ENUMS, names, b::enumType);
            query(c, VIEW_DEPS, names, b::viewDep);
            Map<String, Catalog.Schema> out = new LinkedHashMap<>();
            for (String s : schemas) {
                out.put(s, ns.containsKey(s) ? b.build(s) : Catalog.absent(s));
            }
            return out;
        } finally {
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('search_path', ?, false)")) {
                ps.setString(1, previousPath);
                ps.execute();
            }
        }
    }

    private interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, Array names, RowHandler h) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, names);
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    h.accept(rs);
                }
            }
        }
    }

    /** PostgreSQL's quote_ident for the common cases (lower-case letters, digits, underscores stay bare). */
    public static String quoteIdent(String s) {
        return s.matches("[a-z_][a-z0-9_$]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Replaces {@code quoted.} (not inside a longer identifier) by {@code token.}. */
    static String replaceQualifier(String text, String quoted, String token) {
        if (text == null || !text.contains(quoted)) {
            return text;
        }
        String needle = quoted + ".";
        StringBuilder sb = new StringBuilder(text.length());
        int from = 0;
        int at;
        while ((at = text.indexOf(needle, from)) >= 0) {
            char before = at == 0 ? ' ' : text.charAt(at - 1);
            boolean boundary = !(Character.isLetterOrDigit(before) || before == '_' || before == '$'
                    || (before == '"' && !quoted.startsWith("\"")));
            sb.append(text, from, at).append(boundary ? token + "." : needle);
            from = at + needle.length();
        }
        return sb.append(text, from, text.length()).toString();
    }

    /** Accumulates rows into per-schema catalogs. */
    private static final class Builder {
        private final Map<String, Ns> ns;
        private final String sharedQuoted;
        private final String shared;
        private final TreeSet<String> extensions;
        private final Map<String, Parts> parts = new HashMap<>();

        private static final class Parts {
            final Map<String, List<Catalog.Column>> columns = new HashMap<>();
            final Map<String, TreeMap<String, Catalog.Constraint>> constraints = new HashMap<>();
            final Map<String, TreeMap<String, Catalog.Index>> indexes = new HashMap<>();
            final Map<String, String[]> tables = new TreeMap<>(); // name -> {comment}
            final Map<String, String[]> views = new TreeMap<>(); // name -> {kind, def, comment}
            final Map<String, TreeSet<String>> viewDeps = new HashMap<>();
            final TreeMap<String, Catalog.Sequence> sequences = new TreeMap<>();
            final TreeMap<String, Catalog.EnumType> enums = new TreeMap<>();
            final Map<String, Long> rows = new HashMap<>();
        }

        Builder(Map<String, Ns> ns, String sharedQuoted, String shared, TreeSet<String> extensions) {
            this.ns = ns;
            this.sharedQuoted = sharedQuoted;
            this.shared = shared;
            this.extensions = extensions;
        }

        void schema(String s) {
            parts.put(s, new Parts());
        }

        String norm(String schema, String text) {
            if (text == null) {
                return null;
            }
            String out = replaceQualifier(text, ns.get(schema).quoted(), "{schema}");
            return schema.equals(shared) ? out : replaceQualifier(out, sharedQuoted, "{shared}");
        }

        void relation(ResultSet rs) throws SQLException {
            String s = rs.getString(1);
            String name = rs.getString(2);
            Parts p = parts.get(s);
            String kind = rs.getString(3);
            switch (kind) {
                case "r", "p" -> {
                    p.tables.put(name, new String[] {rs.getString(4)});
                    p.rows.put(name, Math.max(0, rs.getLong(5)));
                }
                case "v", "m" -> p.views.put(name, new String[] {kind, norm(s, rs.getString(6)), rs.getString(4)});
                case "S" -> {
                    if ("i".equals(rs.getString(14))) {
                        return; // an identity column's sequence belongs to the column
                    }
                    String owned = rs.getString(15) == null ? null : rs.getString(15) + "." + rs.getString(16);
                    p.sequences.put(name, new Catalog.Sequence(name, rs.getString(7), rs.getLong(8), rs.getLong(9),
                            rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getBoolean(13), owned));
                }
                default -> { }
            }
        }

        void column(ResultSet rs) throws SQLException {
            String s = rs.getString(1);
            String gen = rs.getString(8);
            String expr = norm(s, rs.getString(6));
            boolean generated = gen != null && !gen.isEmpty();
            parts.get(s).columns.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(new Catalog.Column(
                    rs.getString(3), norm(s, rs.getString(4)), rs.getBoolean(5), generated ? null : expr,
                    rs.getString(7) == null ? "" : rs.getString(7), generated ? expr : null, rs.getString(9),
                    rs.getString(10)));
        }

        void constraint(ResultSet rs) throws SQLException {
            String s = rs.getString(1);
            Array cols = rs.getArray(6);
            List<String> colList = cols == null ? List.of() : Arrays.asList((String[]) cols.getArray());
            parts.get(s).constraints.computeIfAbsent(rs.getString(2), k -> new TreeMap<>()).put(rs.getString(3),
                    new Catalog.Constraint(rs.getString(3), rs.getString(4).charAt(0), norm(s, rs.getString(5)),
                            colList, rs.getString(7)));
        }

        void index(ResultSet rs) throws SQLException {
            String s = rs.getString(1);
            parts.get(s).indexes.computeIfAbsent(rs.getString(2), k -> new TreeMap<>()).put(rs.getString(3),
                    new Catalog.Index(rs.getString(3), norm(s, rs.getString(8)), norm(s, rs.getString(4)), rs.getBoolean(5),
                            rs.getBoolean(6), rs.getString(7)));
        }

        void enumType(ResultSet rs) throws SQLException {
            String name = rs.getString(2);
            parts.get(rs.getString(1)).enums.put(name, new Catalog.EnumType(name,
                    List.of((String[]) rs.getArray(3).getArray()), rs.getString(4)));
        }

        void viewDep(ResultSet rs) throws SQLException {
            parts.get(rs.getString(1)).viewDeps.computeIfAbsent(rs.getString(2), k -> new TreeSet<>()).add(rs.getString(3));
        }

        Catalog.Schema build(String s) {
            Parts p = parts.remove(s);
            TreeMap<String, Catalog.Table> tables = new TreeMap<>();
            p.tables.forEach((name, t) -> tables.put(name, new Catalog.Table(name,
                    List.copyOf(p.columns.getOrDefault(name, List.of())),
                    p.constraints.getOrDefault(name, new TreeMap<>()),
                    p.indexes.getOrDefault(name, new TreeMap<>()), t[0])));
            TreeMap<String, Catalog.View> views = new TreeMap<>();
            p.views.forEach((name, v) -> views.put(name, new Catalog.View(name, v[0].equals("m"), v[1], v[2],
                    p.viewDeps.getOrDefault(name, new TreeSet<>()), p.indexes.getOrDefault(name, new TreeMap<>()))));
            return new Catalog.Schema(s, true, tables, views, p.sequences, p.enums, new TreeSet<>(extensions), p.rows);
        }
    }
}
