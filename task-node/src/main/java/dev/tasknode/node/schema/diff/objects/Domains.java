package dev.tasknode.node.schema.diff.objects;

import dev.tasknode.node.schema.diff.Comments;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.diff.Refs;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.CatalogInspector;
import dev.tasknode.node.schema.inspect.SchemaObjects.Domain;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Domains ({@code type:<name>}, the key columns of the domain depend on): default, NOT NULL and check
 * constraints in place; a new base type or collation re-creates the domain and converts its columns.
 */
public final class Domains {
    private Domains() {}

    public static void diff(Differ.Ctx x) {
        Map<String, Domain> cur = x.cur.objects().domains();
        for (Domain w : x.want.objects().domains().values()) {
            Domain c = cur.get(w.name());
            String ref = Sql.rel(w.name());
            String key = Key.type(w.name());
            boolean recreated = c != null && (!c.baseType().equals(w.baseType()) || Differ.differs(c.collation(), w.collation()));
            if (c == null) {
                x.add(Step.safe(Phase.TYPE, create(ref, w), object(w), "new domain", true).withCreates(key)
                        .withDependsOn(deps(w)));
            } else if (recreated) {
                recreate(x, ref, c, w);
            } else {
                alter(x, ref, c, w);
            }
            Comments.of(x, "DOMAIN", ref, key, object(w), c == null ? null : c.comment(), w.comment(), c == null);
            w.checks().forEach((n, def) -> {
                boolean fresh = c == null || recreated || !def.equals(c.checks().get(n));
                Comments.of(x, "CONSTRAINT " + Sql.q(n) + " ON DOMAIN", ref, key, object(w),
                        fresh ? null : c.checkComments().get(n), w.checkComments().get(n), c == null);
            });
        }
        for (Domain c : cur.values()) {
            if (!x.want.objects().domains().containsKey(c.name())) {
                x.add(new Step(Phase.DROP_DOMAIN, "DROP DOMAIN " + Sql.rel(c.name()), Safety.DESTRUCTIVE,
                        "domain not in the model", object(c), false, null).withDrops(Key.type(c.name()))
                        .withDependsOn(deps(c)));
            }
        }
    }

    private static String object(Domain d) {
        return "domain " + d.name();
    }

    /** Its base type, collation, and what its default and checks name. */
    private static Set<String> deps(Domain d) {
        Set<String> out = new LinkedHashSet<>();
        String base = Refs.type(d.baseType());
        if (base != null) {
            out.add(base);
        }
        String coll = Refs.collation(d.collation());
        if (coll != null) {
            out.add(coll);
        }
        out.addAll(Refs.inExpression(d.dflt()));
        d.checks().values().forEach(def -> out.addAll(Refs.inExpression(def)));
        return out;
    }

    private static String create(String ref, Domain w) {
        StringBuilder sb = new StringBuilder("CREATE DOMAIN ").append(ref).append(" AS ").append(w.baseType());
        if (w.collation() != null) {
            sb.append(" COLLATE ").append(w.collation());
        }
        if (w.dflt() != null) {
            sb.append(" DEFAULT ").append(w.dflt());
        }
        if (w.notNull()) {
            sb.append(" NOT NULL");
        }
        w.checks().forEach((n, def) -> sb.append(" CONSTRAINT ").append(Sql.q(n)).append(' ').append(def));
        return sb.toString();
    }

    private static void alter(Differ.Ctx x, String ref, Domain c, Domain w) {
        String obj = object(w);
        String key = Key.type(w.name());
        String alter = "ALTER DOMAIN " + ref;
        Set<String> deps = deps(w);
        if (Differ.differs(c.dflt(), w.dflt())) {
            x.add(Step.safe(Phase.TYPE, alter + (w.dflt() == null ? " DROP DEFAULT" : " SET DEFAULT " + w.dflt()), obj,
                    "domain default changed", false).withAlters(key).withDependsOn(deps));
        }
        if (c.notNull() != w.notNull()) {
            x.add((w.notNull()
                    ? new Step(Phase.TYPE, alter + " SET NOT NULL", Safety.LOCKING,
                            "scans every column of the domain for NULLs", obj, false, nulls(x, w.name()))
                    : Step.safe(Phase.TYPE, alter + " DROP NOT NULL", obj, "domain nullable", false)).withAlters(key));
        }
        c.checks().forEach((n, def) -> {
            String want = w.checks().get(n);
            if (!def.equals(want)) {
                x.add(new Step(Phase.TYPE, alter + " DROP CONSTRAINT " + Sql.q(n), want == null ? Safety.DESTRUCTIVE : Safety.SAFE,
                        want == null ? "domain constraint not in the model" : "re-added with the new definition below",
                        obj, false, null).withAlters(key));
            }
        });
        w.checks().forEach((n, def) -> {
            if (!def.equals(c.checks().get(n))) {
                x.add(new Step(Phase.TYPE, alter + " ADD CONSTRAINT " + Sql.q(n) + " " + def, Safety.LOCKING,
                        "validates every column of the domain", obj, false, null).withAlters(key)
                        .withDependsOn(Refs.inExpression(def)));
            }
        });
    }

    /** Rows with NULL in any column of the domain (null when no column uses it: nothing to count). */
    private static Step.Check nulls(Differ.Ctx x, String domain) {
        List<String> counts = new ArrayList<>();
        for (Catalog.Table t : x.cur.tables().values()) {
            for (Catalog.Column col : columns(x, t, domain, false)) {
                counts.add("(SELECT count(*) FROM " + Sql.rel(t.name()) + " WHERE " + Sql.q(col.name()) + " IS NULL)");
            }
        }
        return counts.isEmpty() ? null : new Step.Check("NULLs in columns of the domain", "SELECT " + String.join(" + ", counts));
    }

    private static List<Catalog.Column> columns(Differ.Ctx x, Catalog.Table t, String domain, boolean arrays) {
        String typeName = "{schema}." + CatalogInspector.quoteIdent(domain);
        return t.columns().stream().filter(c -> c.type().equals(typeName) || arrays && c.type().equals(typeName + "[]"))
                .toList();
    }

    /**
     * A new base type or collation: the domain is renamed, created anew, every column of it converted through
     * the new base type, and the old one dropped (as an enum is re-created: the renaming reshapes the type, so
     * what depends on it is rebuilt). Destructive: values may not convert.
     */
    private static void recreate(Differ.Ctx x, String ref, Domain c, Domain w) {
        String reason = "domain base type or collation changed (" + c.baseType() + " → " + w.baseType() + "): re-created";
        String obj = object(w);
        String key = Key.type(w.name());
        String old = w.name() + "__old";
        List<Step> s = new ArrayList<>();
        s.add(destructive("ALTER DOMAIN " + ref + " RENAME TO " + Sql.q(old), reason, obj).withReshapes(key));
        s.add(destructive(create(ref, w), reason, obj).withAlters(key).withDependsOn(deps(w)));
        for (Catalog.Table t : x.cur.tables().values()) {
            for (Catalog.Column col : columns(x, t, w.name(), true)) {
                String array = col.type().endsWith("[]") ? "[]" : "";
                String alter = "ALTER TABLE " + Sql.rel(t.name()) + " ALTER COLUMN " + Sql.q(col.name());
                String colKey = Key.column(t.name(), col.name());
                String dflt = Key.columnDefault(t.name(), col.name());
                if (col.dflt() != null) {
                    s.add(destructive(alter + " DROP DEFAULT", reason, obj).withDrops(dflt).withDependsOn(colKey, key));
                }
                s.add(destructive(alter + " TYPE " + ref + array + " USING " + Sql.q(col.name()) + "::" + w.baseType() + array
                        + "::" + ref + array, reason, obj).withAlters(key).withReshapes(colKey));
                if (col.dflt() != null) {
                    s.add(destructive(alter + " SET DEFAULT " + col.dflt(), reason, obj).withCreates(dflt)
                            .withDependsOn(colKey, key));
                }
            }
        }
        s.add(destructive("DROP DOMAIN " + Sql.rel(old), reason, obj).withAlters(key).withDrops(Key.type(old)));
        s.forEach(x::add);
    }

    private static Step destructive(String sql, String reason, String obj) {
        return new Step(Phase.TYPE, sql, Safety.DESTRUCTIVE, reason, obj, false, null);
    }
}
