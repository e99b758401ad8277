package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.CatalogInspector;
import dev.tasknode.node.schema.inspect.SchemaObjects.Attribute;
import dev.tasknode.node.schema.inspect.SchemaObjects.Composite;
import dev.tasknode.node.schema.inspect.SchemaObjects.Domain;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Domains and composite types. */
final class TypeDiff {
    private TypeDiff() {}

    static void domains(Differ.Ctx x) {
        Map<String, Domain> cur = x.cur.objects().domains();
        for (Domain w : x.want.objects().domains().values()) {
            Domain c = cur.get(w.name());
            String ref = Sql.rel(w.name());
            String obj = "domain " + w.name();
            if (c == null) {
                x.add(Step.safe(Phase.TYPE, createDomain(ref, w), obj, "new domain", true));
            } else if (!c.baseType().equals(w.baseType()) || Differ.differs(c.collation(), w.collation())) {
                recreateDomain(x, ref, c, w);
            } else {
                alterDomain(x, ref, c, w);
            }
            if (c == null ? w.comment() != null : Differ.differs(c.comment(), w.comment())) {
                x.add(Step.safe(Phase.COMMENT, Differ.comment("DOMAIN", ref, w.comment()), obj, "comment", c == null));
            }
            boolean recreated = c != null && (!c.baseType().equals(w.baseType()) || Differ.differs(c.collation(), w.collation()));
            w.checkComments().forEach((n, text) -> {
                boolean fresh = c == null || recreated || !w.checks().get(n).equals(c.checks().get(n));
                if (fresh || Differ.differs(c.checkComments().get(n), text)) {
                    x.add(Step.safe(Phase.COMMENT, Differ.comment("CONSTRAINT " + Sql.q(n) + " ON DOMAIN", ref, text), obj,
                            "comment", c == null));
                }
            });
            if (c != null && !recreated) {
                c.checkComments().forEach((n, text) -> {
                    if (w.checks().containsKey(n) && w.checks().get(n).equals(c.checks().get(n))
                            && !w.checkComments().containsKey(n)) {
                        x.add(Step.safe(Phase.COMMENT, Differ.comment("CONSTRAINT " + Sql.q(n) + " ON DOMAIN", ref, null),
                                obj, "comment", false));
                    }
                });
            }
        }
        // composite types first: their attributes may be of a domain
        for (Composite c : x.cur.objects().composites().values()) {
            if (!x.want.objects().composites().containsKey(c.name())) {
                x.add(new Step(Phase.DROP_DOMAIN, "DROP TYPE " + Sql.rel(c.name()), Safety.DESTRUCTIVE,
                        "composite type not in the model", "type " + c.name(), false, null));
            }
        }
        for (Domain c : cur.values()) {
            if (!x.want.objects().domains().containsKey(c.name())) {
                x.add(new Step(Phase.DROP_DOMAIN, "DROP DOMAIN " + Sql.rel(c.name()), Safety.DESTRUCTIVE,
                        "domain not in the model", "domain " + c.name(), false, null));
            }
        }
    }

    private static String createDomain(String ref, Domain w) {
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

    private static void alterDomain(Differ.Ctx x, String ref, Domain c, Domain w) {
        String obj = "domain " + w.name();
        String alter = "ALTER DOMAIN " + ref;
        if (Differ.differs(c.dflt(), w.dflt())) {
            x.add(Step.safe(Phase.TYPE, alter + (w.dflt() == null ? " DROP DEFAULT" : " SET DEFAULT " + w.dflt()), obj,
                    "domain default changed", false));
        }
        if (c.notNull() != w.notNull()) {
            x.add(w.notNull()
                    ? new Step(Phase.TYPE, alter + " SET NOT NULL", Safety.LOCKING,
                            "scans every column of the domain for NULLs", obj, false, null).withCheck(nulls(x, w.name()))
                    : Step.safe(Phase.TYPE, alter + " DROP NOT NULL", obj, "domain nullable", false));
        }
        c.checks().forEach((n, def) -> {
            String want = w.checks().get(n);
            if (!def.equals(want)) {
                x.add(new Step(Phase.TYPE, alter + " DROP CONSTRAINT " + Sql.q(n), want == null ? Safety.DESTRUCTIVE : Safety.SAFE,
                        want == null ? "domain constraint not in the model" : "re-added with the new definition below",
                        obj, false, null));
            }
        });
        w.checks().forEach((n, def) -> {
            if (!def.equals(c.checks().get(n))) {
                x.add(new Step(Phase.TYPE, alter + " ADD CONSTRAINT " + Sql.q(n) + " " + def, Safety.LOCKING,
                        "validates every column of the domain", obj, false, null));
            }
        });
    }

    /** Rows with NULL in any column of the domain (null when no column uses it: nothing to count). */
    private static Step.Check nulls(Differ.Ctx x, String domain) {
        String typeName = "{schema}." + CatalogInspector.quoteIdent(domain);
        List<String> counts = new ArrayList<>();
        for (Catalog.Table t : x.cur.tables().values()) {
            for (Catalog.Column col : t.columns()) {
                if (col.type().equals(typeName)) {
                    counts.add("(SELECT count(*) FROM " + Sql.rel(t.name()) + " WHERE " + Sql.q(col.name()) + " IS NULL)");
                }
            }
        }
        return counts.isEmpty() ? null : new Step.Check("NULLs in columns of the domain", "SELECT " + String.join(" + ", counts));
    }

    /**
     * A new base type or collation: the domain is renamed, created anew, every column of it converted through
     * the new base type, and the old one dropped (like an enum re-created). Destructive: values may not convert.
     */
    private static void recreateDomain(Differ.Ctx x, String ref, Domain c, Domain w) {
        String reason = "domain base type or collation changed (" + c.baseType() + " → " + w.baseType() + "): re-created";
        String obj = "domain " + w.name();
        String old = w.name() + "__old";
        List<Step> s = new ArrayList<>();
        s.add(new Step(Phase.TYPE, "ALTER DOMAIN " + ref + " RENAME TO " + Sql.q(old), Safety.DESTRUCTIVE, reason, obj, false, null));
        s.add(new Step(Phase.TYPE, createDomain(ref, w), Safety.DESTRUCTIVE, reason, obj, false, null));
        String typeName = "{schema}." + CatalogInspector.quoteIdent(w.name());
        for (Catalog.Table t : x.cur.tables().values()) {
            for (Catalog.Column col : t.columns()) {
                if (col.type().equals(typeName) || col.type().equals(typeName + "[]")) {
                    boolean array = col.type().endsWith("[]");
                    String alter = "ALTER TABLE " + Sql.rel(t.name()) + " ALTER COLUMN " + Sql.q(col.name());
                    if (col.dflt() != null) {
                        s.add(new Step(Phase.TYPE, alter + " DROP DEFAULT", Safety.DESTRUCTIVE, reason, obj, false, null));
                    }
                    s.add(new Step(Phase.TYPE, alter + " TYPE " + ref + (array ? "[]" : "") + " USING " + Sql.q(col.name())
                            + "::" + w.baseType() + (array ? "[]" : "") + "::" + ref + (array ? "[]" : ""),
                            Safety.DESTRUCTIVE, reason, obj, false, null));
                    if (col.dflt() != null) {
                        s.add(new Step(Phase.TYPE, alter + " SET DEFAULT " + col.dflt(), Safety.DESTRUCTIVE, reason, obj, false, null));
                    }
                    x.reshapedTables.add(t.name());
                }
            }
        }
        s.add(new Step(Phase.TYPE, "DROP DOMAIN " + Sql.rel(old), Safety.DESTRUCTIVE, reason, obj, false, null));
        s.forEach(x::add);
    }

    static void composites(Differ.Ctx x) {
        for (Composite w : x.want.objects().composites().values()) {
            Composite c = x.cur.objects().composites().get(w.name());
            String ref = Sql.rel(w.name());
            String obj = "type " + w.name();
            if (c == null) {
                x.add(Step.safe(Phase.TYPE, createComposite(ref, w), obj, "new composite type", true));
            } else if (!shapes(c).equals(shapes(w))) {
                alterComposite(x, ref, c, w);
            }
            if (c == null ? w.comment() != null : Differ.differs(c.comment(), w.comment())) {
                x.add(Step.safe(Phase.COMMENT, Differ.comment("TYPE", ref, w.comment()), obj, "comment", c == null));
            }
            boolean recreated = c != null && !appendOnly(c, w);
            for (Attribute a : w.attributes()) {
                Attribute have = c == null || recreated ? null : attribute(c, a.name());
                if (have == null ? a.comment() != null : Differ.differs(have.comment(), a.comment())) {
                    x.add(Step.safe(Phase.COMMENT, Differ.comment("COLUMN", ref + "." + Sql.q(a.name()), a.comment()), obj,
                            "comment", c == null));
                }
            }
        }
    }

    private static Attribute attribute(Composite c, String name) {
        return c.attributes().stream().filter(h -> h.name().equals(name)).findFirst().orElse(null);
    }

    private static boolean appendOnly(Composite c, Composite w) {
        List<String> wantNames = w.attributes().stream().map(Attribute::name).toList();
        List<String> kept = c.attributes().stream().map(Attribute::name).filter(wantNames::contains).toList();
        return wantNames.subList(0, kept.size()).equals(kept);
    }

    /** Names, types and collations: what ALTER TYPE changes (comments are compared on their own). */
    private static List<String> shapes(Composite c) {
        return c.attributes().stream().map(TypeDiff::attribute).toList();
    }

    private static String createComposite(String ref, Composite w) {
        List<String> attrs = w.attributes().stream().map(TypeDiff::attribute).toList();
        return "CREATE TYPE " + ref + " AS (" + String.join(", ", attrs) + ")";
    }

    private static String attribute(Attribute a) {
        return Sql.q(a.name()) + " " + a.type() + (a.collation() == null ? "" : " COLLATE " + a.collation());
    }

    /**
     * In place where the kept attributes keep their order and new ones come after them (ALTER TYPE can only
     * append); otherwise dropped and created again, which PostgreSQL refuses while a column uses the type.
     */
    private static void alterComposite(Differ.Ctx x, String ref, Composite c, Composite w) {
        String obj = "type " + w.name();
        List<String> wantNames = w.attributes().stream().map(Attribute::name).toList();
        if (!appendOnly(c, w)) {
            x.add(new Step(Phase.TYPE, "DROP TYPE " + ref, Safety.DESTRUCTIVE,
                    "composite type attributes reordered: type re-created (refused while a column uses it)", obj, false, null));
            x.add(new Step(Phase.TYPE, createComposite(ref, w), Safety.DESTRUCTIVE, "composite type re-created", obj, false, null));
            return;
        }
        String alter = "ALTER TYPE " + ref;
        for (Attribute a : c.attributes()) {
            if (!wantNames.contains(a.name())) {
                x.add(new Step(Phase.TYPE, alter + " DROP ATTRIBUTE " + Sql.q(a.name()), Safety.DESTRUCTIVE,
                        "attribute not in the model (its values are lost)", obj, false, null));
            }
        }
        for (Attribute a : w.attributes()) {
            Attribute have = attribute(c, a.name());
            if (have == null) {
                x.add(Step.safe(Phase.TYPE, alter + " ADD ATTRIBUTE " + attribute(a), obj, "new attribute", false));
            } else if (!have.type().equals(a.type()) || !Objects.equals(have.collation(), a.collation())) {
                x.add(new Step(Phase.TYPE, alter + " ALTER ATTRIBUTE " + Sql.q(a.name()) + " TYPE " + a.type()
                        + (a.collation() == null ? "" : " COLLATE " + a.collation()), Safety.DESTRUCTIVE,
                        "attribute type changed (refused while a column uses the type)", obj, false, null));
            }
        }
    }
}
