package dev.tasknode.node.schema.inspect;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the catalogs of many schemas at once: a fixed number of pg_catalog queries (one or two per object kind) whatever the number of schemas (no
 * per-schema or per-table round trips, no JDBC DatabaseMetaData). Each query reads the batch's relations, types and
 * functions by OID ({@link Batch}), so its cost follows the batch, not the size of the whole catalog. Rendering functions run under
 * {@code search_path = pg_catalog} so every name outside pg_catalog comes back schema-qualified, and the
 * qualifiers are then replaced by placeholders (see {@link Catalog}). (Atlas's sql/postgres inspect layer.)
 */
public final class CatalogInspector {
    private static final Logger log = LoggerFactory.getLogger(CatalogInspector.class);

    private CatalogInspector() {}

    record Ns(String quoted) {}

    /**
     * An object's comment as a scalar subquery, one lookup in pg_description's unique index per row. Not a LEFT JOIN:
     * pg_description's statistics lag behind a fleet that grows fast (a few rows estimated, thousands there), and the
     * planner then joins it by a nested loop that compares every comment with every row: 6.5 of the 6.9 s that the
     * index query took per 500-schema batch at 1,000 projects, against 0.36 s this way.
     */
    static String description(String oid, String catalog, String subid) {
        return "(SELECT ds.description FROM pg_description ds WHERE ds.objoid = " + oid + " AND ds.classoid = '"
                + catalog + "'::regclass AND ds.objsubid = " + subid + ")";
    }

    /**
     * A sequence's owning table and column are looked up by index (scalar subqueries): joined, the planner hashed
     * all of pg_class and pg_attribute for them (0.4 of 1.1 s per 500-schema batch at 1,000 projects). pg_sequence and
     * pg_depend are read for sequences only (a one-time filter per row; OFFSET 0 keeps the planner from joining them
     * whole): looked up for every relation, they were a seventh of the query at 10,000 projects. A view comes
     * as its rule's node tree and its columns, rendered by {@link CatalogRows#resolveViews} once per raw form.
     */
    private static final String RELATIONS = """
            SELECT n.nspname, c.relname, c.relkind, NULL, c.reltuples::bigint,
                   CASE WHEN c.relkind IN ('v', 'm') THEN (SELECT rw.ev_action::text FROM pg_rewrite rw
                                                             WHERE rw.ev_class = c.oid AND rw.rulename = '_RETURN') END,
                   format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                   d.deptype, (SELECT ot.relname FROM pg_class ot WHERE ot.oid = d.refobjid),
                   (SELECT oa.attname FROM pg_attribute oa WHERE oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid),
                   c.relpersistence, array_to_string(c.reloptions, ','), c.oid,
                   CASE WHEN c.relkind IN ('v', 'm') THEN (SELECT string_agg(a.attnum || ':' || quote_ident(a.attname), ','
                                                                   ORDER BY a.attnum) FROM pg_attribute a
                                                        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) END
            FROM {pg_class} c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN LATERAL (SELECT * FROM pg_sequence WHERE c.relkind = 'S' AND seqrelid = c.oid OFFSET 0) s ON true
            LEFT JOIN LATERAL (SELECT d.deptype, d.refobjid, d.refobjsubid FROM pg_depend d
                               WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') OFFSET 0) d ON true
            WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'S')""";

    /**
     * The comments on the batch's relations and their columns, for RELATIONS and COLUMNS: one lookup in pg_description's
     * index per relation, where a scalar subquery per column cost a lookup for each of ~54,000 columns per
     * 500-schema batch (nearly all without a comment).
     */
    private static final String RELATION_NOTES = """
            SELECT c.oid, d.objsubid, d.description FROM {pg_class} c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL (SELECT objsubid, description FROM pg_description
                                WHERE objoid = c.oid AND classoid = 'pg_class'::regclass OFFSET 0) d
            WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm')""";

    /**
     * RELATIONS' shape for {@link Detail#NAMES}: names, kinds and row estimates only. Without the sequence owner
     * joins, which make the planner hash all of pg_depend, it is one scan of pg_class.
     */
    private static final String RELATION_NAMES = """
            SELECT n.nspname, c.relname, c.relkind, NULL, c.reltuples::bigint, NULL, '', 0, 0, 0, 0, 0, false, NULL, NULL, NULL,
                   'p', NULL, c.oid, NULL
            FROM {pg_class} c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'S')""";

    /**
     * A default (or generation expression) comes as its raw form, rendered by {@link Rendered}; a comment from
     * RELATION_NOTES. Whether the column has privileges of its own tells {@link GrantRows} which tables to read them from.
     */
    private static final String COLUMNS = """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   ad.oid, a.attidentity, a.attgenerated,
                   CASE WHEN a.attcollation <> t.typcollation THEN
                        %s END,
                   c.oid, a.attnum, quote_ident(a.attname), c.relkind, md5(ad.adbin::text), a.attacl IS NOT NULL
            FROM pg_attribute a JOIN {pg_class_tables} c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
            WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY n.nspname, c.relname, a.attnum""".formatted(TypeRows.collationName("a.attcollation"));

    /**
     * The constrained columns come as attribute numbers, named in Java from the columns read just before (a subquery
     * per constraint cost a fifth of the query). A constraint with a parent on a table that is no partition is one of the foreign keys PostgreSQL adds for each
     * partition of a referenced partitioned table: it follows its parent and is left out (on partitions, inherited
     * constraints are told apart by {@link PartitionRows}).
     */
    private static final String CONSTRAINTS = """
            SELECT n.nspname, c.relname, co.conname, co.contype, co.oid, co.conkey::text,
                   %s,
                   concat_ws('|', co.condeferrable, co.condeferred, co.convalidated, co.connoinherit, CASE co.contype
                       WHEN 'c' THEN md5(co.conbin::text)
                       WHEN 'f' THEN concat_ws('|', co.confkey::text, co.confupdtype, co.confdeltype, co.confmatchtype,
                                               coalesce(co.confdelsetcols::text, '-'))
                       WHEN 'x' THEN NULL
                       ELSE (SELECT concat_ws('|', x.indkey::text, x.indnkeyatts, x.indnullsnotdistinct,
                                              coalesce(i.reloptions::text, '-'), i.reltablespace)
                             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indexrelid = co.conindid) END),
                   co.confrelid, co.conindid
            FROM pg_constraint co JOIN {pg_class_tables} c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY (?) AND co.contype IN ('p', 'u', 'f', 'c', 'x')
              AND (co.conparentid = 0 OR c.relispartition)""".formatted(description("co.oid", "pg_constraint", "0"));

    /**
     * pg_get_indexdef is the costliest rendering function: for the fleet the comparison uses a key built from
     * pg_index's parts (columns, operator classes and collations by name — extension OIDs differ between
     * the shadow and the live database — options, expressions, predicate); the full definition
     * is rendered only when asked ({render}: the shadow schemas, whose definitions become CREATE INDEX statements).
     * Column, operator class and collation names are looked up in Java ({@link CatalogRows#indexKey}): correlated
     * subqueries per index row cost more than the rest of the query. Whether an index belongs to a key or exclusion
     * constraint comes from CONSTRAINTS' {@code conindid} (read just before), not from a scan of the table's
     * constraints per index (a fifth of this query at 10,000 projects).
     */
    private static final String INDEXES = """
            SELECT n.nspname, t.relname, i.relname, CASE WHEN {render} THEN pg_get_indexdef(x.indexrelid) END, x.indisunique,
                   x.indexrelid,
                   %s, am.amname, x.indnullsnotdistinct, x.indnkeyatts, x.indkey::text, x.indclass::text,
                   x.indoption::text, x.indcollation::text, pg_get_expr(x.indexprs, x.indrelid), pg_get_expr(x.indpred, x.indrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN {pg_class_tables} t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
            WHERE n.nspname = ANY (?)""".formatted(description("i.oid", "pg_class", "0"));

    static final String RENDER_DEFAULTS = """
            SELECT ad.oid, pg_get_expr(ad.adbin, ad.adrelid)
            FROM unnest(?::oid[]) u(oid), LATERAL (SELECT * FROM pg_attrdef WHERE oid = u.oid OFFSET 0) ad""";
    static final String RENDER_CONSTRAINTS = "SELECT u.oid, pg_get_constraintdef(u.oid) FROM unnest(?::oid[]) u(oid)";
    static final String RENDER_VIEWS = "SELECT u.oid, pg_get_viewdef(u.oid) FROM unnest(?::oid[]) u(oid)";

    /** Names of operator classes and collations by OID, for index keys (a few hundred rows). */
    private static final String OPCLASSES = "SELECT oid::text, quote_ident(opcname) FROM pg_opclass";
    private static final String COLLATIONS = "SELECT oid::text, quote_ident(collname) FROM pg_collation";

    private static final String ENUMS = """
            SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder), obj_description(t.oid, 'pg_type'),
                   t.oid, array_agg(e.oid::int8 ORDER BY e.enumsortorder)
            FROM {pg_type} t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
            WHERE n.nspname = ANY (?) GROUP BY n.nspname, t.typname, t.oid""";

    private static final String VIEW_DEPS = """
            SELECT DISTINCT n.nspname, v.relname, r.relname
            FROM pg_rewrite rw JOIN {pg_class} v ON v.oid = rw.ev_class JOIN pg_namespace n ON n.oid = v.relnamespace
            JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
            JOIN pg_class r ON r.oid = d.refobjid AND r.relnamespace = v.relnamespace AND r.oid <> v.oid
            WHERE n.nspname = ANY (?) AND v.relkind IN ('v', 'm')""";

    /** How much of each schema to read. */
    public enum Detail {
        /**
         * Which schemas, tables, views, sequences and enum types exist, by name, and little more: tables without
         * columns, keys or indexes, views without definitions or dependencies. Enough to plan what
         * create_tables creates (it creates only what is absent by name), at a fraction of the cost.
         */
        NAMES,
        /** Everything the diff compares. */
        FULL,
        /** FULL, plus index definitions rendered: the desired side, whose definitions become statements. */
        RENDERED
    }

    /**
     * Inspects {@code schemas} fully; absent ones come back with {@code exists = false}.
     *
     * @param shared     the shared schema's name, rendered as {@code {shared}} in other schemas' texts
     * @param extensions the extensions the model cares about; each catalog lists those installed
     */
    public static Map<String, Catalog.Schema> inspect(Connection c, Collection<String> schemas, String shared,
                                                      Set<String> extensions) throws SQLException {
        return inspect(c, schemas, shared, extensions, Detail.FULL);
    }

    public static Map<String, Catalog.Schema> inspect(Connection c, Collection<String> schemas, String shared,
                                                      Set<String> extensions, Detail detail) throws SQLException {
        return inspect(c, schemas, shared, extensions, detail, new Rendered());
    }

    /** @param rendered texts rendered by earlier batches of the same inspection, reused by raw form */
    static Map<String, Catalog.Schema> inspect(Connection c, Collection<String> schemas, String shared,
                                               Set<String> extensions, Detail detail, Rendered rendered) throws SQLException {
        boolean full = detail != Detail.NAMES;
        Map<String, Ns> ns = new HashMap<>();
        String previousPath;
        String previousJit;
        // jit off: the planner overestimates these catalog queries (correlated subqueries) and JIT-compiles them,
        // which cost more than the queries themselves (about 1.8 s of 3.9 s for the index query over 500 schemas)
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT current_setting('search_path'), set_config('search_path', 'pg_catalog', false),"
                        + " current_setting('jit'), set_config('jit', 'off', false)")) {
            rs.next();
            previousPath = rs.getString(1);
            previousJit = rs.getString(3);
        }
        try {
            Array array = c.createArrayOf("text", schemas.toArray());
            Map<String, Long> oids = new HashMap<>();
            String sharedQuoted = null;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT nspname, quote_ident(nspname), oid FROM pg_namespace WHERE nspname = ANY (?) OR nspname = ?")) {
                ps.setArray(1, array);
                ps.setString(2, shared);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ns.put(rs.getString(1), new Ns(rs.getString(2)));
                        oids.put(rs.getString(1), rs.getLong(3));
                    }
                }
            }
            if (ns.containsKey(shared)) {
                sharedQuoted = ns.get(shared).quoted();
            }
            Batch names = Batch.of(c, array, schemas.stream().filter(oids::containsKey).map(oids::get).toList());
            TreeSet<String> installed = new TreeSet<>();
            Map<String, String> versions = new HashMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT extname, extversion FROM pg_extension")) {
                while (rs.next()) {
                    if (extensions.contains(rs.getString(1))) {
                        installed.add(rs.getString(1));
                        versions.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            CatalogRows b = new CatalogRows(ns, sharedQuoted == null ? quoteIdent(shared) : sharedQuoted, shared, installed,
                    rendered);
            b.extensionVersions.putAll(versions);
            for (String s : schemas) {
                if (ns.containsKey(s)) {
                    b.schema(s);
                }
            }
            if (full) {
                query(c, RELATION_NOTES, names, b::note);
            }
            query(c, full ? RELATIONS : RELATION_NAMES, names, b::relation);
            query(c, ENUMS, names, b::enumType);
            PartitionRows.read(c, names, b.extras); // create_tables must know partitions from tables too
            if (full) {
                query(c, COLUMNS, names, b::column);
                b.resolveDefaults(c);
                b.resolveViews(c); // after the relations, enum types and columns its raw forms name
                query(c, CONSTRAINTS, names, b::constraint);
                b.resolveConstraints(c);
                try (Statement st = c.createStatement()) {
                    names(st, OPCLASSES, b.opclasses);
                    names(st, COLLATIONS, b.collations);
                }
                query(c, INDEXES.replace("{render}", String.valueOf(detail == Detail.RENDERED)), names, b::index);
                query(c, VIEW_DEPS, names, b::viewDep);
                PolicyRows.read(c, names, b.extras);
                GrantRows.read(c, names, b.extras, b.columnAclTables());
                NoteRows.read(c, names, b.extras);
            }
            // by name only for NAMES (create_tables creates what is absent by name): no rendered definitions
            query(c, FunctionRows.SQL.replace("{full}", String.valueOf(full)), names, rs -> FunctionRows.row(b, rs));
            TriggerRows.read(c, names, b, rendered, full);
            query(c, TypeRows.DOMAINS, names, rs -> TypeRows.domain(b, rs));
            query(c, TypeRows.COMPOSITES, names, rs -> TypeRows.composite(b, rs));
            query(c, CollationRows.SQL, names, rs -> CollationRows.row(b, rs));
            Map<String, Catalog.Schema> out = new LinkedHashMap<>();
            for (String s : schemas) {
                out.put(s, ns.containsKey(s) ? b.build(s) : Catalog.absent(s));
            }
            return out;
        } finally {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT set_config('search_path', ?, false), set_config('jit', ?, false)")) {
                ps.setString(1, previousPath);
                ps.setString(2, previousJit);
                ps.execute();
            }
        }
    }

    interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    static void query(Connection c, String sql, Batch names, RowHandler h) throws SQLException {
        long t0 = System.nanoTime();
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement(names.sql(sql))) {
            ps.setArray(1, names.names);
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    h.accept(rs);
                    rows++;
                }
            }
        }
        if (log.isDebugEnabled()) { // where an inspection's time goes, query by query
            String text = sql.strip().replaceAll("\\s+", " ");
            log.debug("{} ms, {} rows: {}", (System.nanoTime() - t0) / 1_000_000, rows, text.substring(0, Math.min(90, text.length())));
        }
    }

    private static void names(Statement st, String sql, Map<String, String> into) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                into.put(rs.getString(1), rs.getString(2));
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
}
