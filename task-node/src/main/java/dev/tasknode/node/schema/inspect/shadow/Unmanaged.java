package dev.tasknode.node.schema.inspect.shadow;

import dev.tasknode.node.schema.model.StatementKinds.Kind;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shadow's catalog safety net: objects the model created that {@link CatalogInspector} does not read. A model
 * statement that slipped past {@code StatementKinds} (a form no rule knows, a side effect) would otherwise be run
 * in the shadow, never compared, and the node would report "matches the model" while the object is missing live.
 * One query; a branch per kind, left out once the kind is managed. The {@code db} branches look at the whole
 * database, which only a scratch database allows (objects outside the shadow schemas, extra schemas).
 */
public final class Unmanaged {
    private Unmanaged() {}

    /** An object of a kind the engine does not manage. */
    public record Found(Kind kind, String object) {}

    private record Probe(Kind kind, boolean db, String sql) {}

    /**
     * Each yields one text column naming the object; {ns} = the shadow namespaces' OIDs, {cls}, {typ} and {prc} their
     * rows of pg_class, pg_type and pg_proc. (attoptions is not read:
     * some servers fill it for every column; ALTER COLUMN SET (…) is refused as a statement.)
     */
    private static final List<Probe> PROBES = List.of(
            new Probe(Kind.FUNCTION, false, "SELECT p.oid::regprocedure::text FROM {prc} p WHERE p.pronamespace IN ({ns}) "
                    + "AND p.prokind IN ('f', 'p', 'w')"),
            new Probe(Kind.AGGREGATE, false, "SELECT p.oid::regprocedure::text FROM {prc} p WHERE p.pronamespace IN ({ns}) "
                    + "AND p.prokind = 'a'"),
            new Probe(Kind.TRIGGER, false, "SELECT t.tgname || ' on ' || c.oid::regclass FROM pg_trigger t JOIN {cls} c "
                    + "ON c.oid = t.tgrelid WHERE c.relnamespace IN ({ns}) AND NOT t.tgisinternal"),
            new Probe(Kind.POLICY, false, "SELECT p.polname || ' on ' || c.oid::regclass FROM pg_policy p JOIN {cls} c "
                    + "ON c.oid = p.polrelid WHERE c.relnamespace IN ({ns})"),
            new Probe(Kind.ROW_LEVEL_SECURITY, false, "SELECT c.oid::regclass::text FROM {cls} c WHERE c.relnamespace IN ({ns}) "
                    + "AND (c.relrowsecurity OR c.relforcerowsecurity)"),
            new Probe(Kind.PRIVILEGE, false, "SELECT c.oid::regclass || ' ' || c.relacl::text FROM {cls} c "
                    + "WHERE c.relnamespace IN ({ns}) AND c.relacl IS NOT NULL "
                    + "UNION ALL SELECT a.attrelid::regclass || '.' || a.attname || ' ' || a.attacl::text FROM pg_attribute a "
                    + "JOIN {cls} c ON c.oid = a.attrelid WHERE c.relnamespace IN ({ns}) AND a.attacl IS NOT NULL "
                    + "UNION ALL SELECT p.oid::regprocedure || ' ' || p.proacl::text FROM {prc} p "
                    + "WHERE p.pronamespace IN ({ns}) AND p.proacl IS NOT NULL "
                    + "UNION ALL SELECT t.oid::regtype || ' ' || t.typacl::text FROM {typ} t "
                    + "WHERE t.typnamespace IN ({ns}) AND t.typacl IS NOT NULL "
                    + "UNION ALL SELECT 'schema ' || n.nspname || ' ' || n.nspacl::text FROM pg_namespace n "
                    + "WHERE n.oid IN ({ns}) AND n.nspacl IS NOT NULL "
                    + "UNION ALL SELECT 'default privileges ' || d.defaclacl::text FROM pg_default_acl d "
                    + "WHERE d.defaclnamespace IN ({ns})"),
            new Probe(Kind.PRIVILEGE, true, "SELECT 'default privileges ' || d.defaclacl::text FROM pg_default_acl d "
                    + "WHERE d.defaclnamespace NOT IN ({ns})"),
            new Probe(Kind.DOMAIN, false, "SELECT t.oid::regtype::text FROM {typ} t WHERE t.typnamespace IN ({ns}) AND t.typtype = 'd'"),
            new Probe(Kind.COMPOSITE_TYPE, false, "SELECT t.oid::regtype::text FROM {typ} t JOIN {cls} c ON c.oid = t.typrelid "
                    + "WHERE t.typnamespace IN ({ns}) AND t.typtype = 'c' AND c.relkind = 'c'"),
            new Probe(Kind.RANGE_TYPE, false, "SELECT t.oid::regtype::text FROM {typ} t WHERE t.typnamespace IN ({ns}) "
                    + "AND t.typtype IN ('r', 'm')"),
            new Probe(Kind.BASE_TYPE, false, "SELECT t.oid::regtype::text FROM {typ} t WHERE t.typnamespace IN ({ns}) "
                    + "AND ((t.typtype = 'b' AND t.typcategory <> 'A') OR t.typtype = 'p')"),
            new Probe(Kind.COLLATION, false, "SELECT c.oid::regcollation::text FROM pg_collation c WHERE c.collnamespace IN ({ns})"),
            new Probe(Kind.PARTITIONING, false, "SELECT c.oid::regclass::text FROM {cls} c WHERE c.relnamespace IN ({ns}) "
                    + "AND (c.relkind IN ('p', 'I') OR c.relispartition)"),
            new Probe(Kind.INHERITANCE, false, "SELECT c.oid::regclass::text FROM {cls} c WHERE c.relnamespace IN ({ns}) "
                    + "AND (c.reloftype <> 0 OR (NOT c.relispartition AND EXISTS (SELECT 1 FROM pg_inherits i "
                    + "WHERE i.inhrelid = c.oid AND c.relkind IN ('r', 'f'))))"),
            new Probe(Kind.UNLOGGED, false, "SELECT c.oid::regclass::text FROM {cls} c WHERE c.relnamespace IN ({ns}) "
                    + "AND c.relpersistence = 'u'"),
            // reloptions are read (tables, views, sequences: CatalogInspector; indexes: in pg_get_indexdef), TOAST's are not
            new Probe(Kind.STORAGE, false, "SELECT c.oid::regclass || ' tablespace' "
                    + "FROM {cls} c WHERE c.relnamespace IN ({ns}) AND c.reltablespace <> 0 "
                    + "UNION ALL SELECT c.oid::regclass || ' toast ' || t.reloptions::text FROM {cls} c JOIN pg_class t "
                    + "ON t.oid = c.reltoastrelid WHERE c.relnamespace IN ({ns}) AND t.reloptions IS NOT NULL "
                    + "UNION ALL SELECT c.oid::regclass || ' replica identity' FROM {cls} c WHERE c.relnamespace IN ({ns}) "
                    + "AND c.relkind IN ('r', 'p') AND c.relreplident <> 'd' "
                    + "UNION ALL SELECT x.indexrelid::regclass || ' clustered' FROM pg_index x JOIN {cls} c ON c.oid = x.indexrelid "
                    + "WHERE c.relnamespace IN ({ns}) AND x.indisclustered "
                    + "UNION ALL SELECT a.attrelid::regclass || '.' || a.attname FROM pg_attribute a JOIN {cls} c "
                    + "ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid WHERE c.relnamespace IN ({ns}) AND a.attnum > 0 "
                    + "AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm') AND (coalesce(a.attstattarget, -1) <> -1 "
                    + "OR a.attstorage <> t.typstorage OR a.attcompression <> '') "
                    + "UNION ALL SELECT c.oid::regclass || ' column default' FROM pg_attrdef d JOIN {cls} c ON c.oid = d.adrelid "
                    + "WHERE c.relnamespace IN ({ns}) AND c.relkind = 'v'"),
            new Probe(Kind.RULE, false, "SELECT r.rulename || ' on ' || c.oid::regclass FROM pg_rewrite r JOIN {cls} c "
                    + "ON c.oid = r.ev_class WHERE c.relnamespace IN ({ns}) AND r.rulename <> '_RETURN'"),
            new Probe(Kind.STATISTICS, false, "SELECT s.stxname FROM pg_statistic_ext s WHERE s.stxnamespace IN ({ns})"),
            new Probe(Kind.OPERATOR, false, "SELECT o.oid::regoperator::text FROM pg_operator o WHERE o.oprnamespace IN ({ns}) "
                    + "UNION ALL SELECT o.opcname FROM pg_opclass o WHERE o.opcnamespace IN ({ns}) "
                    + "UNION ALL SELECT o.opfname FROM pg_opfamily o WHERE o.opfnamespace IN ({ns})"),
            new Probe(Kind.TEXT_SEARCH, false, "SELECT cfgname FROM pg_ts_config WHERE cfgnamespace IN ({ns}) "
                    + "UNION ALL SELECT dictname FROM pg_ts_dict WHERE dictnamespace IN ({ns}) "
                    + "UNION ALL SELECT prsname FROM pg_ts_parser WHERE prsnamespace IN ({ns}) "
                    + "UNION ALL SELECT tmplname FROM pg_ts_template WHERE tmplnamespace IN ({ns})"),
            new Probe(Kind.CAST_OR_CONVERSION, false, "SELECT conname FROM pg_conversion WHERE connamespace IN ({ns})"),
            new Probe(Kind.FOREIGN, false, "SELECT c.oid::regclass::text FROM {cls} c WHERE c.relnamespace IN ({ns}) "
                    + "AND c.relkind = 'f'"),
            new Probe(Kind.SEQUENCE_COMMENT, false, "SELECT c.oid::regclass::text FROM pg_description d JOIN {cls} c "
                    + "ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid WHERE c.relnamespace IN ({ns}) AND c.relkind = 'S'"),
            new Probe(Kind.SCHEMA_COMMENT, false, "SELECT n.nspname FROM pg_description d JOIN pg_namespace n "
                    + "ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid WHERE n.oid IN ({ns})"),
            new Probe(Kind.OWNER, false, "SELECT c.oid::regclass || ' owned by ' || c.relowner::regrole FROM {cls} c "
                    + "WHERE c.relnamespace IN ({ns}) AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) "
                    + "UNION ALL SELECT t.oid::regtype || ' owned by ' || t.typowner::regrole FROM {typ} t "
                    + "WHERE t.typnamespace IN ({ns}) AND t.typowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)"),
            new Probe(Kind.SECURITY_LABEL, true, "SELECT provider || ' ' || label FROM pg_seclabel"),
            new Probe(Kind.EVENT_TRIGGER, true, "SELECT evtname FROM pg_event_trigger"),
            new Probe(Kind.SCHEMA, true, "SELECT n.nspname FROM pg_namespace n WHERE n.oid NOT IN ({ns}) "
                    + "AND n.nspname NOT IN ('public', 'information_schema') AND n.nspname !~ '^pg_'"),
            new Probe(Kind.OUTSIDE, true, "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
                    + "AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c') AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                    + "WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i')) "
                    + "UNION ALL SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace "
                    + "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid "
                    + "AND d.deptype = 'e') "
                    + "UNION ALL SELECT t.oid::regtype::text FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace "
                    + "AND t.typtype IN ('e', 'd', 'r', 'b') AND t.typcategory <> 'A' AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                    + "WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')"));

    /**
     * The unmanaged objects in {@code namespaces} (and, with {@code wholeDatabase}, anywhere in the database),
     * for every kind not marked managed in {@code StatementKinds}.
     */
    public static List<Found> find(Connection c, List<String> namespaces, boolean wholeDatabase) throws SQLException {
        List<String> branches = new ArrayList<>();
        for (Probe p : PROBES) {
            if (!p.kind().managed() && (wholeDatabase || !p.db())) {
                branches.add("SELECT '" + p.kind().name() + "', x::text FROM (" + p.sql() + ") AS b(x)");
            }
        }
        List<Found> out = new ArrayList<>();
        if (branches.isEmpty()) {
            return out;
        }
        // each catalog without an index by schema is scanned once, not once per branch (a second and more on a
        // 10,000-schema server, where pg_class alone is hundreds of MB); a CTE nobody references costs nothing
        String sql = "WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = ANY (?)), "
                + "cls AS MATERIALIZED (SELECT * FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns)), "
                + "typ AS MATERIALIZED (SELECT * FROM pg_type WHERE typnamespace IN (SELECT oid FROM ns)), "
                + "prc AS MATERIALIZED (SELECT * FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ns)) "
                + String.join(" UNION ALL ", branches).replace("{ns}", "SELECT oid FROM ns").replace("{cls}", "cls")
                .replace("{typ}", "typ").replace("{prc}", "prc");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Array names = c.createArrayOf("text", namespaces.toArray());
            ps.setArray(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Found(Kind.valueOf(rs.getString(1)), rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** Shadow names back to the placeholders the model uses. */
    public static String describe(List<Found> found, Map<String, String> placeholders) {
        StringBuilder b = new StringBuilder();
        for (Found f : found) {
            String object = f.object();
            for (var e : placeholders.entrySet()) {
                object = object.replace(e.getKey(), e.getValue());
            }
            b.append("\n  ").append(f.kind().label()).append(": ").append(object);
        }
        return b.toString();
    }
}
