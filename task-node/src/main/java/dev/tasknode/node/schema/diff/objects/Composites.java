package dev.tasknode.node.schema.diff.objects;

import dev.tasknode.node.schema.diff.Comments;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.diff.Refs;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.CatalogInspector;
import dev.tasknode.node.schema.inspect.SchemaObjects.Attribute;
import dev.tasknode.node.schema.inspect.SchemaObjects.Composite;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Composite types ({@code type:<name>}). In place (ALTER TYPE … ADD / DROP / ALTER ATTRIBUTE) where the kept
 * attributes keep their order and new ones come after them (ALTER TYPE can only append), and no attribute a
 * column holds changes type (PostgreSQL refuses that); otherwise re-created, its columns converted.
 */
public final class Composites {
    private Composites() {}

    public static void diff(Differ.Ctx x) {
        for (Composite w : x.want.objects().composites().values()) {
            Composite c = x.cur.objects().composites().get(w.name());
            String ref = Sql.rel(w.name());
            String key = Key.type(w.name());
            boolean recreated = c != null && (!appendOnly(c, w) || retypedInUse(x, c, w));
            if (c == null) {
                x.add(Step.safe(Phase.TYPE, create(ref, w), object(w), "new composite type", true).withCreates(key)
                        .withDependsOn(deps(w)));
            } else if (recreated || retypedInUse(x, c, w)) {
                recreate(x, ref, c, w);
            } else if (!shapes(c).equals(shapes(w))) {
                alter(x, ref, c, w);
            }
            Comments.of(x, "TYPE", ref, key, object(w), c == null ? null : c.comment(), w.comment(), c == null);
            for (Attribute a : w.attributes()) {
                Attribute have = c == null || recreated ? null : attribute(c, a.name());
                Comments.of(x, "COLUMN", ref + "." + Sql.q(a.name()), key, object(w), have == null ? null : have.comment(),
                        a.comment(), c == null);
            }
        }
        for (Composite c : x.cur.objects().composites().values()) {
            if (!x.want.objects().composites().containsKey(c.name())) {
                x.add(new Step(Phase.DROP_DOMAIN, "DROP TYPE " + Sql.rel(c.name()), Safety.DESTRUCTIVE,
                        "composite type not in the model", object(c), false, null).withDrops(Key.type(c.name()))
                        .withDependsOn(deps(c)));
            }
        }
    }

    private static String object(Composite c) {
        return "type " + c.name();
    }

    private static Set<String> deps(Composite c) {
        Set<String> out = new LinkedHashSet<>();
        for (Attribute a : c.attributes()) {
            String t = Refs.type(a.type());
            if (t != null) {
                out.add(t);
            }
            String coll = Refs.collation(a.collation());
            if (coll != null) {
                out.add(coll);
            }
        }
        return out;
    }

    /** An attribute changes type while a column uses the type: ALTER ATTRIBUTE … TYPE is refused then. */
    private static boolean retypedInUse(Differ.Ctx x, Composite c, Composite w) {
        boolean retyped = w.attributes().stream().anyMatch(a -> {
            Attribute have = attribute(c, a.name());
            return have != null && (!have.type().equals(a.type()) || !Objects.equals(have.collation(), a.collation()));
        });
        return retyped && !columns(x, w.name()).isEmpty();
    }

    /** The live columns of the type (and arrays of it), as {table, column, type}. */
    private static List<String[]> columns(Differ.Ctx x, String type) {
        String typeName = "{schema}." + CatalogInspector.quoteIdent(type);
        List<String[]> out = new ArrayList<>();
        for (Catalog.Table t : x.cur.tables().values()) {
            for (Catalog.Column col : t.columns()) {
                if (col.type().equals(typeName) || col.type().equals(typeName + "[]")) {
                    out.add(new String[] {t.name(), col.name(), col.type()});
                }
            }
        }
        return out;
    }

    /**
     * Attributes reordered, or retyped while columns use the type: the type is renamed, created anew, each column
     * converted attribute by attribute (by name: ROW((col).a, …); new attributes NULL), the old type dropped. The
     * renaming reshapes the type, so what depends on it (functions, views) is rebuilt. Arrays of the type convert
     * through text, which maps attributes by position. Destructive: values may not convert.
     */
    private static void recreate(Differ.Ctx x, String ref, Composite c, Composite w) {
        String reason = "composite type re-created (attributes reordered or retyped while columns use it)";
        String obj = object(w);
        String key = Key.type(w.name());
        String old = w.name() + "__old";
        x.add(destructive("ALTER TYPE " + ref + " RENAME TO " + Sql.q(old), reason, obj).withReshapes(key));
        x.add(destructive(create(ref, w), reason, obj).withAlters(key).withDependsOn(deps(w)));
        for (String[] col : columns(x, w.name())) {
            String q = Sql.q(col[1]);
            String using;
            if (col[2].endsWith("[]")) {
                using = q + "::text::" + ref + "[]";
            } else {
                List<String> parts = new ArrayList<>();
                for (Attribute a : w.attributes()) {
                    parts.add(attribute(c, a.name()) == null ? "NULL" : "(" + q + ")." + Sql.q(a.name()));
                }
                using = "CASE WHEN " + q + " IS NULL THEN NULL ELSE CAST(ROW(" + String.join(", ", parts) + ") AS " + ref + ") END";
            }
            x.add(destructive("ALTER TABLE " + Sql.rel(col[0]) + " ALTER COLUMN " + q + " TYPE " + ref
                    + (col[2].endsWith("[]") ? "[]" : "") + " USING " + using, reason, obj).withAlters(key)
                    .withReshapes(Key.column(col[0], col[1])));
        }
        x.add(destructive("DROP TYPE " + Sql.rel(old), reason, obj).withAlters(key).withDrops(Key.type(old)));
    }

    private static Step destructive(String sql, String reason, String obj) {
        return new Step(Phase.TYPE, sql, Safety.DESTRUCTIVE, reason, obj, false, null);
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
        return c.attributes().stream().map(Composites::attribute).toList();
    }

    private static String create(String ref, Composite w) {
        return "CREATE TYPE " + ref + " AS (" + String.join(", ", shapes(w)) + ")";
    }

    private static String attribute(Attribute a) {
        return Sql.q(a.name()) + " " + a.type() + (a.collation() == null ? "" : " COLLATE " + a.collation());
    }

    private static void alter(Differ.Ctx x, String ref, Composite c, Composite w) {
        String obj = object(w);
        String key = Key.type(w.name());
        String alter = "ALTER TYPE " + ref;
        List<String> wantNames = w.attributes().stream().map(Attribute::name).toList();
        for (Attribute a : c.attributes()) {
            if (!wantNames.contains(a.name())) {
                x.add(new Step(Phase.TYPE, alter + " DROP ATTRIBUTE " + Sql.q(a.name()), Safety.DESTRUCTIVE,
                        "attribute not in the model (its values are lost)", obj, false, null).withAlters(key));
            }
        }
        for (Attribute a : w.attributes()) {
            Attribute have = attribute(c, a.name());
            if (have == null) {
                x.add(Step.safe(Phase.TYPE, alter + " ADD ATTRIBUTE " + attribute(a), obj, "new attribute", false)
                        .withAlters(key).withDependsOn(deps(w)));
            } else if (!have.type().equals(a.type()) || !Objects.equals(have.collation(), a.collation())) {
                x.add(new Step(Phase.TYPE, alter + " ALTER ATTRIBUTE " + Sql.q(a.name()) + " TYPE " + a.type()
                        + (a.collation() == null ? "" : " COLLATE " + a.collation()), Safety.DESTRUCTIVE,
                        "attribute type changed (values converted)", obj, false, null)
                        .withReshapes(key).withDependsOn(deps(w)));
            }
        }
    }
}
