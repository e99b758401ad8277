package dev.tasknode.node.schema.inspect;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Accumulates the inspector's rows into per-schema catalogs, normalizing names to placeholders. */
final class CatalogRows {
    private final Map<String, CatalogInspector.Ns> ns;
    private final String sharedQuoted;
    private final String shared;
    private final TreeSet<String> extensions;
    private final Map<String, Parts> parts = new HashMap<>();
    final Map<String, String> opclasses = new HashMap<>();
    final Map<String, String> collations = new HashMap<>();
    /** functions, triggers, domains, composite types, collations: filled by their own row files */
    private final Map<String, SchemaObjects> objects = new HashMap<>();
    /** installed versions of the extensions the model needs (database-wide: the same in every schema) */
    final Map<String, String> extensionVersions = new HashMap<>();
    final ExtraRows extras = new ExtraRows(this);
    private final Rendered rendered;
    /** the batch's relations by OID: {schema, name} (foreign keys name the table they reference by OID) */
    private final Map<Long, String[]> relations = new HashMap<>();
    /** defaults and constraints read in raw form, waiting for their texts ({@link Rendered}) */
    private final List<RawDefault> rawDefaults = new ArrayList<>();
    private final List<RawConstraint> rawConstraints = new ArrayList<>();
    private final List<RawView> rawViews = new ArrayList<>();
    /** the batch's enum types and their labels by OID: {schema, identity in a view's raw form} */
    private final Map<Long, String[]> enumTypes = new HashMap<>();
    private final Map<Long, String[]> enumLabels = new HashMap<>();
    /** comments on the batch's relations (sub-id 0) and their columns, by relation OID and sub-id */
    private final Map<Long, Map<Integer, String>> notes = new HashMap<>();
    /** the batch's tables (and materialized views) with privileges on some column, seen by {@link #column} */
    private final Set<Long> columnAclTables = new HashSet<>();
    /** the indexes of the batch's primary key, unique and exclusion constraints (read with the constraints) */
    private final Set<Long> constraintIndexes = new HashSet<>();
    /** views' own columns as "attnum:quoted name,…", by OID */
    private final Map<Long, String> viewColumns = new HashMap<>();

    private record RawDefault(String schema, String table, String md5, long oid, List<Catalog.Column> list, int at,
                              boolean generated) {}

    private record RawConstraint(String schema, String table, String name, char type, long oid, String keys,
                                 List<String> columns, String comment, String raw, long references) {}

    private record RawView(String schema, String name, long oid, String tree) {}

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
        final TreeMap<String, Catalog.RelOptions> relOptions = new TreeMap<>();
        final TreeMap<String, Catalog.Sequence> identities = new TreeMap<>();
        /** relation -> attnum -> quote_ident(attname), for index keys */
        final Map<String, Map<String, String>> attnames = new HashMap<>();
        /** relation -> attnum -> attname, for the columns of constraints */
        final Map<String, Map<String, String>> columnNames = new HashMap<>();
        /** relation -> its columns as "attnum:name,…" (part of the raw forms of its defaults and constraints) */
        final Map<String, String> columnKeys = new HashMap<>();
    }

    CatalogRows(Map<String, CatalogInspector.Ns> ns, String sharedQuoted, String shared, TreeSet<String> extensions,
                Rendered rendered) {
        this.ns = ns;
        this.sharedQuoted = sharedQuoted;
        this.shared = shared;
        this.extensions = extensions;
        this.rendered = rendered;
    }

    void schema(String s) {
        parts.put(s, new Parts());
        SchemaObjects o = SchemaObjects.empty();
        o.extensionVersions().putAll(extensionVersions);
        objects.put(s, o);
        extras.schema(s);
    }

    Set<Long> columnAclTables() {
        return columnAclTables;
    }

    SchemaObjects objects(String s) {
        return objects.get(s);
    }

    String shared() {
        return shared;
    }

    String norm(String schema, String text) {
        if (text == null) {
            return null;
        }
        String out = CatalogInspector.replaceQualifier(text, ns.get(schema).quoted(), "{schema}");
        return schema.equals(shared) ? out : CatalogInspector.replaceQualifier(out, sharedQuoted, "{shared}");
    }

    void note(ResultSet rs) throws SQLException {
        notes.computeIfAbsent(rs.getLong(1), k -> new HashMap<>()).put(rs.getInt(2), rs.getString(3));
    }

    private String note(long relation, int subId) {
        Map<Integer, String> n = notes.get(relation);
        return n == null ? null : n.get(subId);
    }

    void relation(ResultSet rs) throws SQLException {
        String s = rs.getString(1);
        String name = rs.getString(2);
        Parts p = parts.get(s);
        String kind = rs.getString(3);
        long oid = rs.getLong(19);
        String options = rs.getString(18);
        String deptype = rs.getString(14);
        boolean unlogged = "u".equals(rs.getString(17));
        boolean identity = "S".equals(kind) && "i".equals(deptype); // belongs to its column
        relations.put(oid, new String[] {s, name});
        if ((unlogged || options != null) && !identity) {
            String with = options == null ? "" : String.join(",", new TreeSet<>(Arrays.asList(options.split(","))));
            p.relOptions.put(name, new Catalog.RelOptions(unlogged, with));
        }
        String comment = note(oid, 0);
        switch (kind) {
            case "r", "p" -> {
                p.tables.put(name, new String[] {comment});
                p.rows.put(name, Math.max(0, rs.getLong(5)));
            }
            case "v", "m" -> {
                p.views.put(name, new String[] {kind, null, comment});
                String tree = rs.getString(6);
                if (tree != null) { // its text comes with resolveViews
                    rawViews.add(new RawView(s, name, oid, tree));
                    viewColumns.put(oid, rs.getString(20));
                }
            }
            case "S" -> {
                String ownerTable = rs.getString(15);
                String owned = ownerTable == null ? null : ownerTable + "." + rs.getString(16);
                if (identity) { // an identity column's sequence belongs to the column
                    // unnamed: a fresh build names it <table>_<column>_seq, the diff compares options only
                    Catalog.Sequence q = new Catalog.Sequence("", rs.getString(7), rs.getLong(8), rs.getLong(9),
                            rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getBoolean(13), owned);
                    if (owned != null && !defaultIdentity(q)) {
                        p.identities.put(q.ownedBy(), q);
                    }
                    return;
                }
                p.sequences.put(name, new Catalog.Sequence(name, rs.getString(7), rs.getLong(8), rs.getLong(9),
                        rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getBoolean(13), owned));
            }
            default -> { }
        }
    }

    /** PostgreSQL's options for a new identity: start 1, increment 1, 1 to the type's maximum, cache 1, no cycle. */
    static boolean defaultIdentity(Catalog.Sequence q) {
        long max = switch (q.type()) {
            case "smallint" -> Short.MAX_VALUE;
            case "integer" -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
        return q.start() == 1 && q.increment() == 1 && q.min() == 1 && q.max() == max && q.cache() == 1 && !q.cycle();
    }

    /** Each field is read once: the driver decodes a text field anew on every call, and this runs for every column. */
    void column(ResultSet rs) throws SQLException {
        String s = rs.getString(1);
        String table = rs.getString(2);
        String name = rs.getString(3);
        String attnum = rs.getString(11);
        Parts p = parts.get(s);
        p.attnames.computeIfAbsent(table, k -> new HashMap<>()).put(attnum, rs.getString(12));
        p.columnNames.computeIfAbsent(table, k -> new HashMap<>()).put(attnum, name);
        if (rs.getBoolean(15)) {
            columnAclTables.add(rs.getLong(10));
        }
        if ("m".equals(rs.getString(13))) {
            return; // a materialized view's columns only name its indexes' columns
        }
        String gen = rs.getString(8);
        boolean generated = gen != null && !gen.isEmpty();
        List<Catalog.Column> list = p.columns.computeIfAbsent(table, k -> new ArrayList<>());
        long def = rs.getLong(6);
        if (!rs.wasNull()) { // its text comes with resolveDefaults
            rawDefaults.add(new RawDefault(s, table, rs.getString(14), def, list, list.size(), generated));
        }
        String identity = rs.getString(7);
        list.add(new Catalog.Column(name, norm(s, rs.getString(4)), rs.getBoolean(5), null,
                identity == null ? "" : identity, null, norm(s, rs.getString(9)),
                note(rs.getLong(10), Integer.parseInt(attnum))));
    }

    /**
     * The columns' defaults and generation expressions, each distinct raw form rendered once: the expression's node
     * tree, and the table's name and columns (a generation expression names columns by number).
     */
    void resolveDefaults(java.sql.Connection c) throws SQLException {
        Rendered.Pending pending = rendered.pending(CatalogInspector.RENDER_DEFAULTS);
        for (RawDefault d : rawDefaults) {
            String key = "d|" + d.table + "|" + columnKey(d.schema, d.table) + "|" + d.md5;
            pending.add(d.schema, key, d.oid, text -> {
                Catalog.Column col = d.list.get(d.at);
                d.list.set(d.at, new Catalog.Column(col.name(), col.type(), col.notNull(), d.generated ? null : text,
                        col.identity(), d.generated ? text : null, col.collation(), col.comment()));
            });
        }
        rawDefaults.clear();
        pending.resolve(c, this);
    }

    /** A relation's columns as "attnum:quoted name,…" in attribute order, once per relation. */
    String columnKey(String schema, String table) {
        Parts p = parts.get(schema);
        return p.columnKeys.computeIfAbsent(table, t -> {
            TreeMap<Integer, String> byNumber = new TreeMap<>();
            p.attnames.getOrDefault(t, Map.of()).forEach((n, name) -> byNumber.put(Integer.valueOf(n), name));
            StringBuilder sb = new StringBuilder();
            byNumber.forEach((n, name) -> sb.append(n).append(':').append(name).append(','));
            return sb.toString();
        });
    }

    void constraint(ResultSet rs) throws SQLException {
        String s = rs.getString(1);
        String keys = rs.getString(6); // {1,3}, or null (a check on no column, a domain's)
        List<String> colList = new ArrayList<>();
        if (keys != null && keys.length() > 2) {
            Map<String, String> names = parts.get(s).columnNames.getOrDefault(rs.getString(2), Map.of());
            for (String num : keys.substring(1, keys.length() - 1).split(",")) {
                if (names.containsKey(num)) { // as the join did: a column this read has no name for is left out
                    colList.add(names.get(num));
                }
            }
        }
        char type = rs.getString(4).charAt(0);
        if (type == 'p' || type == 'u' || type == 'x') {
            constraintIndexes.add(rs.getLong(10));
        }
        rawConstraints.add(new RawConstraint(s, rs.getString(2), rs.getString(3), type, rs.getLong(5),
                keys, colList, rs.getString(7), rs.getString(8), rs.getLong(9)));
    }

    /**
     * The constraints' definitions, each distinct raw form rendered once. The raw form: type, table and its columns,
     * the constrained columns (by number), the flags and what pg_get_constraintdef shows of each type (a check's node tree, a key's index options, a
     * foreign key's actions and referenced columns, and the table it references: "self" and its name and columns
     * when that is in the same schema, else by OID — the same table for every schema). Exclusion constraints (their
     * operators and expressions live in the index) are rendered one by one.
     */
    void resolveConstraints(java.sql.Connection c) throws SQLException {
        Rendered.Pending pending = rendered.pending(CatalogInspector.RENDER_CONSTRAINTS);
        for (RawConstraint k : rawConstraints) {
            String key = null;
            if (k.type != 'x' && k.raw != null) {
                String target = "";
                if (k.type == 'f') {
                    String[] ref = relations.get(k.references);
                    target = ref != null && ref[0].equals(k.schema)
                            ? "self:" + ref[1] + "|" + columnKey(k.schema, ref[1]) : "oid:" + k.references;
                }
                key = k.type + "|" + k.table + "|" + columnKey(k.schema, k.table) + "|" + k.keys + "|" + k.raw + "|" + target;
            }
            pending.add(k.schema, key, k.oid, text -> parts.get(k.schema).constraints
                    .computeIfAbsent(k.table, t -> new TreeMap<>())
                    .put(k.name, new Catalog.Constraint(k.name, k.type, text, k.columns, k.comment)));
        }
        rawConstraints.clear();
        pending.resolve(c, this);
    }

    void index(ResultSet rs) throws SQLException {
        String s = rs.getString(1);
        Parts p = parts.get(s);
        Map<String, String> cols = p.attnames.getOrDefault(rs.getString(2), Map.of());
        String key = indexKey(rs, cols);
        p.indexes.computeIfAbsent(rs.getString(2), k -> new TreeMap<>()).put(rs.getString(3),
                new Catalog.Index(rs.getString(3), norm(s, key), norm(s, rs.getString(4)), rs.getBoolean(5),
                        constraintIndexes.contains(rs.getLong(6)), rs.getString(7)));
    }

    /**
     * The index's comparison key: access method, unique, nulls not distinct, key column count, columns by name
     * ({@code *} = an expression), operator classes, options, collations ({@code -} = none), expressions and
     * predicate. The format is what {@code concat_ws(' ', ...)} gave when the key was built in SQL, so the
     * fingerprints recorded in the history stay comparable.
     */
    String indexKey(ResultSet rs, Map<String, String> cols) throws SQLException {
        StringBuilder k = new StringBuilder(rs.getString(8)).append(' ').append(rs.getBoolean(5) ? 't' : 'f')
                .append(' ').append(rs.getBoolean(9) ? 't' : 'f').append(' ').append(rs.getInt(10));
        k.append(' ').append(names(rs.getString(11), n -> n.equals("0") ? "*" : cols.getOrDefault(n, "*")));
        k.append(' ').append(names(rs.getString(12), n -> opclasses.getOrDefault(n, n)));
        k.append(' ').append(rs.getString(13));
        k.append(' ').append(names(rs.getString(14), n -> collations.getOrDefault(n, "-")));
        if (rs.getString(15) != null) {
            k.append(' ').append(rs.getString(15));
        }
        k.append(" WHERE");
        if (rs.getString(16) != null) {
            k.append(' ').append(rs.getString(16));
        }
        return k.toString();
    }

    /** Maps a space-separated vector (int2vector / oidvector text) element-wise, comma-joined. */
    private static String names(String vector, java.util.function.UnaryOperator<String> name) {
        StringBuilder sb = new StringBuilder();
        for (String n : vector.split(" ")) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(name.apply(n));
        }
        return sb.toString();
    }

    void enumType(ResultSet rs) throws SQLException {
        String s = rs.getString(1);
        String name = rs.getString(2);
        String[] labels = (String[]) rs.getArray(3).getArray();
        parts.get(s).enums.put(name, new Catalog.EnumType(name, List.of(labels), rs.getString(4)));
        enumTypes.put(rs.getLong(5), new String[] {s, "t:" + name});
        Long[] oids = (Long[]) rs.getArray(6).getArray();
        for (int i = 0; i < oids.length; i++) {
            enumLabels.put(oids[i], new String[] {s, "e:" + name + "." + labels[i]});
        }
    }

    /**
     * The views' definitions, each distinct raw form rendered once (pg_get_viewdef opens every relation a view reads:
     * a relation cache entry built and a lock taken per relation, 0.7 s per 500-schema batch). The raw form: the
     * view's own columns and its rule's node tree with the OIDs of objects of its own schema replaced by what
     * the text shows of them ({@link Rendered#treeKey}): a relation's name and columns, an enum type's name, an enum
     * constant's label. An OID of another schema's object stays, the same for every schema that names it.
     */
    void resolveViews(java.sql.Connection c) throws SQLException {
        Rendered.Pending pending = rendered.pending(CatalogInspector.RENDER_VIEWS);
        for (RawView v : rawViews) {
            String key = "v|" + viewColumns.get(v.oid) + "|" + Rendered.treeKey(v.tree, oid -> {
                String[] r = relations.get(oid);
                if (r != null) {
                    return r[0].equals(v.schema) ? "r:" + r[1] + "(" + relationColumns(r[0], r[1], oid) + ")" : null;
                }
                String[] t = enumTypes.get(oid);
                return t != null && t[0].equals(v.schema) ? t[1] : null;
            }, oid -> {
                String[] l = enumLabels.get(oid);
                return l != null && l[0].equals(v.schema) ? l[1] : null;
            });
            pending.add(v.schema, key, v.oid, text -> parts.get(v.schema).views.get(v.name)[1] = text);
        }
        rawViews.clear();
        pending.resolve(c, this);
    }

    private String relationColumns(String schema, String name, long oid) {
        String own = viewColumns.get(oid);
        return own != null ? own : columnKey(schema, name);
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
        return new Catalog.Schema(s, true, tables, views, p.sequences, p.enums, new TreeSet<>(extensions), p.rows,
                new Catalog.Storage(p.relOptions, p.identities), objects.remove(s), extras.build(s));
    }
}
