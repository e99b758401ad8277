package dev.tasknode.node.schema.inspect;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One batch of schemas being inspected: their names (the queries' bound parameter) and the OIDs of the relations,
 * types and functions that live in them: a query reads {@code {pg_class}}, {@code {pg_type}} or {@code {pg_proc}}
 * where it would read the whole catalog.
 *
 * <p>Why: pg_class, pg_type and pg_proc have no index by schema, so a query that finds a batch's objects by joining
 * pg_namespace scans the whole catalog, in every batch: the work grew with batches × fleet, i.e. with the square of
 * the fleet (a few hundred ms per query and batch at 10,000 projects, about twenty queries, twenty batches). pg_depend
 * is indexed by referenced object, and every relation (but indexes and TOAST tables, which hang off their table),
 * every type that is not an array or a table's row type, and every function records a dependency on its schema
 * (what {@code DROP SCHEMA … CASCADE} follows). One index scan per batch finds them all, and the queries then look
 * each one up by OID: the cost follows the batch, not the catalog.
 */
final class Batch {
    private static final String OBJECTS = """
            SELECT d.classid::regclass::text, d.objid,
                   CASE WHEN d.classid = 'pg_class'::regclass THEN (SELECT relkind FROM pg_class WHERE oid = d.objid) END
            FROM pg_depend d
            WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = ANY (?::oid[]) AND d.refobjsubid = 0
              AND d.classid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass)
            UNION ALL
            SELECT 'pg_type', r.rngmultitypid, NULL FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid
            WHERE t.typnamespace = ANY (?::oid[])""";

    /**
     * Relation kinds that have columns, constraints, indexes or policies: the queries about those read
     * {@code {pg_class_tables}}, not the batch's sequences and views (about 40 % of its relations in the sample
     * fleet, each an index lookup in pg_class and in the catalog the query reads, per query and batch).
     */
    private static final String TABLE_KINDS = "rpfm";

    final Array names;
    private final String rels;
    private final String tables;
    private final String types;
    private final String procs;
    /** the batch's views and foreign tables: their columns are not read by COLUMNS ({@link #withViews}) */
    private final Set<Long> views;

    private Batch(Array names, String rels, String tables, String types, String procs, Set<Long> views) {
        this.names = names;
        this.rels = rels;
        this.tables = tables;
        this.types = types;
        this.procs = procs;
        this.views = views;
    }

    /** {@code namespaceOids}: the batch's schemas that exist (a multirange type records no dependency of its own). */
    static Batch of(Connection c, Array names, Collection<Long> namespaceOids) throws SQLException {
        Set<Long> rels = new LinkedHashSet<>();
        Set<Long> tables = new LinkedHashSet<>();
        Set<Long> views = new LinkedHashSet<>();
        Set<Long> types = new LinkedHashSet<>();
        Set<Long> procs = new LinkedHashSet<>();
        Array oids = c.createArrayOf("bigint", namespaceOids.toArray());
        try (PreparedStatement ps = c.prepareStatement(OBJECTS)) {
            ps.setArray(1, oids);
            ps.setArray(2, oids);
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(2);
                    switch (rs.getString(1)) {
                        case "pg_class" -> {
                            rels.add(oid);
                            String kind = rs.getString(3);
                            if (kind != null && TABLE_KINDS.contains(kind)) {
                                tables.add(oid);
                            }
                            if ("v".equals(kind) || "f".equals(kind)) {
                                views.add(oid);
                            }
                        }
                        case "pg_type" -> types.add(oid);
                        default -> procs.add(oid);
                    }
                }
            }
        }
        return new Batch(names, rows("pg_class", rels), rows("pg_class", tables), rows("pg_type", types), rows("pg_proc", procs),
                views);
    }

    /**
     * The batch's rows of one catalog, to read in place of the catalog: its OIDs as a literal, not a bound parameter
     * (the planner then knows how many there are; a cached generic plan cannot guess otherwise), each row looked up
     * by index. LATERAL and OFFSET 0 keep that order: with {@code oid = ANY (…)} instead, the planner tested every
     * OID of the batch at every row of an inner lookup, or scanned the catalog once per row of a list it thought
     * had one row (seconds per query: the catalogs' statistics lag behind a fleet that grows fast).
     */
    private static String rows(String catalog, Set<Long> oids) {
        StringBuilder sb = new StringBuilder("(SELECT x.* FROM unnest('{");
        String sep = "";
        for (Long oid : oids) {
            sb.append(sep).append(oid);
            sep = ",";
        }
        return sb.append("}'::oid[]) b(oid), LATERAL (SELECT * FROM ").append(catalog)
                .append(" WHERE oid = b.oid OFFSET 0) x)").toString();
    }

    /** {@code {pg_class}}'s shape for {@code relations} and the batch's views and foreign tables. */
    String withViews(Collection<Long> relations) {
        Set<Long> all = new LinkedHashSet<>(relations);
        all.addAll(views);
        return rows("pg_class", all);
    }

    String sql(String template) {
        return template.replace("{pg_class}", rels).replace("{pg_class_tables}", tables).replace("{pg_type}", types)
                .replace("{pg_proc}", procs);
    }
}
