package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Enum types: created, values added in place, or re-created when values go away or change order. */
final class Enums {
    private Enums() {}

    static void diff(Differ.Ctx x) {
        for (Catalog.EnumType w : x.want.enums().values()) {
            Catalog.EnumType c = x.cur.enums().get(w.name());
            String ref = Sql.rel(w.name());
            String key = Key.type(w.name());
            if (c == null) {
                x.add(Step.safe(Phase.ENUM, "CREATE TYPE " + ref + " AS ENUM (" + labels(w.labels()) + ")",
                        "type " + w.name(), "new enum type", true).withCreates(key));
            } else if (!c.labels().equals(w.labels())) {
                if (w.labels().containsAll(c.labels()) && inOrder(c.labels(), w.labels())) {
                    addValues(x, ref, c, w);
                } else {
                    recreate(x, ref, c, w);
                }
            }
            Comments.of(x, "TYPE", ref, key, "type " + w.name(), c == null ? null : c.comment(), w.comment(), c == null);
        }
        for (Catalog.EnumType c : x.cur.enums().values()) {
            if (!x.want.enums().containsKey(c.name())) {
                x.add(new Step(Phase.DROP_TYPE, "DROP TYPE " + Sql.rel(c.name()), Step.Safety.DESTRUCTIVE,
                        "type not in the model", "type " + c.name(), false, null).withDrops(Key.type(c.name())));
            }
        }
    }

    private static void addValues(Differ.Ctx x, String ref, Catalog.EnumType c, Catalog.EnumType w) {
        List<String> have = new ArrayList<>(c.labels());
        for (int i = 0; i < w.labels().size(); i++) {
            String l = w.labels().get(i);
            if (have.contains(l)) {
                continue;
            }
            String where = i == 0 ? " BEFORE " + Sql.literal(w.labels().get(1)) : " AFTER " + Sql.literal(w.labels().get(i - 1));
            x.add(Step.safe(Phase.ENUM, "ALTER TYPE " + ref + " ADD VALUE " + Sql.literal(l) + where,
                    "type " + w.name(), "enum value added in place", false).withAlters(Key.type(w.name())));
            have.add(l);
        }
    }

    /**
     * Removed or reordered values: the old type renamed, the new one created, every column converted through text
     * (its default dropped before and set after), the old type dropped. Every step alters the type's key, so they
     * keep this order; the renaming reshapes it, so what depends on the type (views, checks, functions) is dropped
     * before and re-created after, and each converted column is reshaped too (views reading it).
     */
    private static void recreate(Differ.Ctx x, String ref, Catalog.EnumType c, Catalog.EnumType w) {
        List<String> gone = c.labels().stream().filter(l -> !w.labels().contains(l)).toList();
        String reason = gone.isEmpty() ? "enum values reordered (type re-created)" : "enum value removal: " + gone;
        String obj = "type " + w.name();
        String key = Key.type(w.name());
        String old = w.name() + "__old";
        List<Step> s = new ArrayList<>();
        s.add(destructive("ALTER TYPE " + ref + " RENAME TO " + Sql.q(old), reason, obj, null).withReshapes(key));
        s.add(destructive("CREATE TYPE " + ref + " AS ENUM (" + labels(w.labels()) + ")", reason, obj, null).withAlters(key));
        String typeName = "{schema}." + dev.tasknode.node.schema.inspect.CatalogInspector.quoteIdent(w.name());
        for (Catalog.Table t : x.cur.tables().values()) {
            for (Catalog.Column col : t.columns()) {
                Catalog.Table kept = x.want.tables().get(t.name());
                if (!col.type().equals(typeName) && !col.type().equals(typeName + "[]")
                        || kept == null || kept.column(col.name()) == null) {
                    continue; // not of the type, or dropped by this plan (before the type is renamed)
                }
                String target = col.type().endsWith("[]") ? ref + "[]" : ref;
                String alter = "ALTER TABLE " + Sql.rel(t.name()) + " ALTER COLUMN " + Sql.q(col.name());
                String colKey = Key.column(t.name(), col.name());
                String dflt = Key.columnDefault(t.name(), col.name());
                if (col.dflt() != null) {
                    s.add(destructive(alter + " DROP DEFAULT", reason, obj, null).withDrops(dflt).withDependsOn(colKey, key));
                }
                s.add(destructive(alter + " TYPE " + target + " USING " + Sql.q(col.name()) + "::text::" + target, reason, obj,
                        gone.isEmpty() ? null : new Step.Check("rows holding a removed value",
                                "SELECT count(*) FROM " + Sql.rel(t.name()) + " WHERE " + Sql.q(col.name())
                                        + "::text IN (" + labels(gone) + ")")).withAlters(key).withReshapes(colKey));
                // the model's default where the model keeps the column's type (the old one may name a removed value)
                Catalog.Column wc = kept.column(col.name());
                String value = wc.type().equals(col.type()) ? wc.dflt() : col.dflt();
                if (value != null && col.dflt() != null) {
                    s.add(destructive(alter + " SET DEFAULT " + value, reason, obj, null).withCreates(dflt)
                            .withDependsOn(colKey, key));
                }
            }
        }
        s.add(destructive("DROP TYPE " + Sql.rel(old), reason, obj, null).withAlters(key).withDrops(Key.type(old)));
        s.forEach(x::add);
    }

    private static Step destructive(String sql, String reason, String obj, Step.Check check) {
        return new Step(Phase.ENUM, sql, Step.Safety.DESTRUCTIVE, reason, obj, false, check);
    }

    private static boolean inOrder(List<String> sub, List<String> all) {
        int last = -1;
        for (String l : sub) {
            int i = all.indexOf(l);
            if (i < last) {
                return false;
            }
            last = i;
        }
        return true;
    }

    static String labels(List<String> ls) {
        return ls.stream().map(Sql::literal).collect(Collectors.joining(", "));
    }
}
