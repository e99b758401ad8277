package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Extensions, enum types, sequences and views. */
final class ObjectDiff {
    private ObjectDiff() {}

    static void extensions(Differ.Ctx x) {
        for (String e : x.want.extensions()) {
            if (!x.cur.extensions().contains(e)) {
                // in public, like an unqualified CREATE EXTENSION would: types then render as public.<type> everywhere
                x.add(Step.safe(Phase.EXTENSION, "CREATE EXTENSION IF NOT EXISTS " + Sql.q(e) + " WITH SCHEMA public",
                        "extension " + e, "extension the model needs", true));
            }
        }
    }

    static void enums(Differ.Ctx x) {
        for (Catalog.EnumType w : x.want.enums().values()) {
            Catalog.EnumType c = x.cur.enums().get(w.name());
            String ref = Sql.rel(w.name());
            if (c == null) {
                x.add(Step.safe(Phase.ENUM, "CREATE TYPE " + ref + " AS ENUM (" + labels(w.labels()) + ")",
                        "type " + w.name(), "new enum type", true));
                if (w.comment() != null) {
                    x.add(Step.safe(Phase.COMMENT, Differ.comment("TYPE", ref, w.comment()), "type " + w.name(), "comment", true));
                }
                continue;
            }
            if (!c.labels().equals(w.labels())) {
                if (w.labels().containsAll(c.labels()) && inOrder(c.labels(), w.labels())) {
                    addValues(x, ref, c, w);
                } else {
                    recreateEnum(x, ref, c, w);
                }
            }
            if (Differ.differs(c.comment(), w.comment())) {
                x.add(Step.safe(Phase.COMMENT, Differ.comment("TYPE", ref, w.comment()), "type " + w.name(), "comment", false));
            }
        }
        for (Catalog.EnumType c : x.cur.enums().values()) {
            if (!x.want.enums().containsKey(c.name())) {
                x.add(new Step(Phase.DROP_TYPE, "DROP TYPE " + Sql.rel(c.name()), Step.Safety.DESTRUCTIVE,
                        "type not in the model", "type " + c.name(), false, null));
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
                    "type " + w.name(), "enum value added in place", false));
            have.add(l);
        }
    }

    /** Removed or reordered values: a new type, every column converted through text, the old type dropped. */
    private static void recreateEnum(Differ.Ctx x, String ref, Catalog.EnumType c, Catalog.EnumType w) {
        List<String> gone = c.labels().stream().filter(l -> !w.labels().contains(l)).toList();
        String reason = gone.isEmpty() ? "enum values reordered (type re-created)" : "enum value removal: " + gone;
        String obj = "type " + w.name();
        String old = w.name() + "__old";
        List<Step> s = new ArrayList<>();
        s.add(new Step(Phase.ENUM, "ALTER TYPE " + ref + " RENAME TO " + Sql.q(old), Step.Safety.DESTRUCTIVE, reason, obj, false, null));
        s.add(new Step(Phase.ENUM, "CREATE TYPE " + ref + " AS ENUM (" + labels(w.labels()) + ")", Step.Safety.DESTRUCTIVE, reason, obj, false, null));
        String typeName = "{schema}." + dev.tasknode.node.schema.inspect.CatalogInspector.quoteIdent(w.name());
        for (Catalog.Table t : x.cur.tables().values()) {
            for (Catalog.Column col : t.columns()) {
                if (col.type().equals(typeName) || col.type().equals(typeName + "[]")) {
                    String target = col.type().endsWith("[]") ? ref + "[]" : ref;
                    String alter = "ALTER TABLE " + Sql.rel(t.name()) + " ALTER COLUMN " + Sql.q(col.name());
                    if (col.dflt() != null) {
                        s.add(new Step(Phase.ENUM, alter + " DROP DEFAULT", Step.Safety.DESTRUCTIVE, reason, obj, false, null));
                    }
                    s.add(new Step(Phase.ENUM, alter + " TYPE " + target + " USING " + Sql.q(col.name()) + "::text::" + target,
                            Step.Safety.DESTRUCTIVE, reason, obj, false,
                            gone.isEmpty() ? null : new Step.Check("rows holding a removed value",
                                    "SELECT count(*) FROM " + Sql.rel(t.name()) + " WHERE " + Sql.q(col.name())
                                            + "::text IN (" + labels(gone) + ")")));
                    if (col.dflt() != null) {
                        s.add(new Step(Phase.ENUM, alter + " SET DEFAULT " + col.dflt(), Step.Safety.DESTRUCTIVE, reason,
                                obj, false, null));
                    }
                    x.reshapedTables.add(t.name());
                }
            }
        }
        s.add(new Step(Phase.ENUM, "DROP TYPE " + Sql.rel(old), Step.Safety.DESTRUCTIVE, reason, obj, false, null));
        s.forEach(x::add);
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

    static void sequences(Differ.Ctx x) {
        for (Catalog.Sequence w : x.want.sequences().values()) {
            Catalog.Sequence c = x.cur.sequences().get(w.name());
            String ref = Sql.rel(w.name());
            if (c == null) {
                x.add(Step.safe(Phase.SEQUENCE, "CREATE SEQUENCE " + ref + " AS " + w.type() + " INCREMENT BY " + w.increment()
                        + " MINVALUE " + w.min() + " MAXVALUE " + w.max() + " START WITH " + w.start() + " CACHE " + w.cache()
                        + (w.cycle() ? " CYCLE" : " NO CYCLE"), "sequence " + w.name(), "new sequence", true));
            } else {
                StringBuilder alter = new StringBuilder();
                if (!c.type().equals(w.type())) alter.append(" AS ").append(w.type());
                if (c.increment() != w.increment()) alter.append(" INCREMENT BY ").append(w.increment());
                if (c.min() != w.min()) alter.append(" MINVALUE ").append(w.min());
                if (c.max() != w.max()) alter.append(" MAXVALUE ").append(w.max());
                if (c.start() != w.start()) alter.append(" START WITH ").append(w.start());
                if (c.cache() != w.cache()) alter.append(" CACHE ").append(w.cache());
                if (c.cycle() != w.cycle()) alter.append(w.cycle() ? " CYCLE" : " NO CYCLE");
                if (!alter.isEmpty()) {
                    x.add(Step.safe(Phase.SEQUENCE, "ALTER SEQUENCE " + ref + alter, "sequence " + w.name(),
                            "sequence options", false));
                }
            }
            if (c == null ? w.ownedBy() != null : Differ.differs(c.ownedBy(), w.ownedBy())) {
                String owner = w.ownedBy() == null ? "NONE" : ownedBy(w.ownedBy());
                x.add(Step.safe(Phase.SEQUENCE_OWNED, "ALTER SEQUENCE " + ref + " OWNED BY " + owner,
                        "sequence " + w.name(), "sequence owner", c == null));
            }
        }
        for (Catalog.Sequence c : x.cur.sequences().values()) {
            if (!x.want.sequences().containsKey(c.name())) {
                // IF EXISTS: a sequence owned by a dropped table is gone with it
                x.add(new Step(Phase.DROP_SEQUENCE, "DROP SEQUENCE IF EXISTS " + Sql.rel(c.name()), Step.Safety.DESTRUCTIVE,
                        "sequence not in the model", "sequence " + c.name(), false, null));
            }
        }
    }

    private static String ownedBy(String tableDotColumn) {
        int dot = tableDotColumn.indexOf('.');
        return Sql.rel(tableDotColumn.substring(0, dot)) + "." + Sql.q(tableDotColumn.substring(dot + 1));
    }

    /**
     * Views: dropped when gone from the model, changed, or reading a reshaped table or a dropped view (dependents
     * first); created when new or dropped-and-kept (bases first).
     */
    static void views(Differ.Ctx x) {
        Set<String> drop = new HashSet<>();
        for (Catalog.View c : x.cur.views().values()) {
            Catalog.View w = x.want.views().get(c.name());
            if (w == null || w.materialized() != c.materialized() || !w.def().equals(c.def())) {
                drop.add(c.name());
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Catalog.View c : x.cur.views().values()) {
                if (!drop.contains(c.name()) && c.dependsOn().stream()
                        .anyMatch(d -> drop.contains(d) || x.reshapedTables.contains(d))) {
                    drop.add(c.name());
                    grew = true;
                }
            }
        }
        for (String v : order(x.cur.views(), drop, true)) {
            Catalog.View c = x.cur.views().get(v);
            boolean kept = x.want.views().containsKey(v);
            if (kept) {
                x.recreated.add(v);
            }
            String kind = c.materialized() ? "MATERIALIZED VIEW" : "VIEW";
            x.add(new Step(Phase.DROP_VIEW, "DROP " + kind + " " + Sql.rel(v), kept ? Step.Safety.SAFE : Step.Safety.DESTRUCTIVE,
                    kept ? "re-created below" : "view not in the model", "view " + v, false, null));
        }
        Set<String> create = new HashSet<>();
        for (Catalog.View w : x.want.views().values()) {
            if (!x.cur.views().containsKey(w.name()) || drop.contains(w.name())) {
                create.add(w.name());
            }
        }
        for (String v : order(x.want.views(), create, false)) {
            Catalog.View w = x.want.views().get(v);
            boolean isNew = !x.cur.views().containsKey(v);
            String kind = w.materialized() ? "MATERIALIZED VIEW" : "VIEW";
            String def = w.def().strip();
            if (def.endsWith(";")) {
                def = def.substring(0, def.length() - 1);
            }
            x.add(new Step(Phase.CREATE_VIEW, "CREATE " + kind + " " + Sql.rel(v) + " AS\n" + def,
                    w.materialized() && !isNew ? Step.Safety.LOCKING : Step.Safety.SAFE,
                    isNew ? "new view" : w.materialized() ? "materialized view re-created and re-filled" : "view replaced",
                    "view " + v, isNew, null));
            if (w.comment() != null) {
                x.add(Step.safe(Phase.COMMENT, Differ.comment(kind, Sql.rel(v), w.comment()), "view " + v, "comment", isNew));
            }
            for (Catalog.Index i : w.indexes().values()) {
                x.add(Step.safe(Phase.COMMENT - 1, i.def(), "index " + i.name(), "index of materialized view", isNew));
            }
        }
        for (Catalog.View w : x.want.views().values()) {
            Catalog.View c = x.cur.views().get(w.name());
            if (c != null && !create.contains(w.name())) {
                if (Differ.differs(c.comment(), w.comment())) {
                    x.add(Step.safe(Phase.COMMENT, Differ.comment(w.materialized() ? "MATERIALIZED VIEW" : "VIEW",
                            Sql.rel(w.name()), w.comment()), "view " + w.name(), "comment", false));
                }
                TableDiff.indexes(x, w.name(), c.indexes(), w.indexes(), false, 0);
            }
        }
    }

    /** Topological order of {@code subset} by dependsOn: bases first, or dependents first when {@code reverse}. */
    private static List<String> order(java.util.Map<String, Catalog.View> views, Set<String> subset, boolean reverse) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : new java.util.TreeSet<>(subset)) {
            visit(views, subset, v, out, new HashSet<>());
        }
        List<String> list = new ArrayList<>(out);
        if (reverse) {
            java.util.Collections.reverse(list);
        }
        return list;
    }

    private static void visit(java.util.Map<String, Catalog.View> views, Set<String> subset, String v,
                              LinkedHashSet<String> out, Set<String> path) {
        if (out.contains(v) || !path.add(v)) {
            return;
        }
        for (String d : views.get(v).dependsOn()) {
            if (subset.contains(d) && views.containsKey(d)) {
                visit(views, subset, d, out, path);
            }
        }
        out.add(v);
    }
}
