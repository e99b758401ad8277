package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.diff.tables.Indexes;
import dev.tasknode.node.schema.diff.tables.Storage;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Views and materialized views: dropped when gone from the model or changed, created when new or changed. An
 * unchanged view is a {@linkplain Differ.Ctx#dependent dependent} of what it reads: dropped before a table it
 * reads is reshaped or a view it reads is replaced, and created again after (the graph puts dependents first
 * among drops and bases first among creates).
 */
final class Views {
    private Views() {}

    static void diff(Differ.Ctx x) {
        for (Catalog.View c : x.cur.views().values()) {
            Catalog.View w = x.want.views().get(c.name());
            if (w == null || w.materialized() != c.materialized() || !w.def().equals(c.def())) {
                x.add(drop(x, c, w != null));
                if (w != null) {
                    create(x, w, false).forEach(x::add);
                }
            } else {
                x.dependent(Key.view(c.name()), deps(x.cur, c), () -> {
                    List<Step> s = new ArrayList<>();
                    s.add(drop(x, c, true));
                    s.addAll(create(x, w, false));
                    return s;
                });
                Comments.of(x, kind(w), Sql.rel(w.name()), Key.view(w.name()), "view " + w.name(), c.comment(), w.comment(),
                        false);
                Storage.alter(x, kind(w), w.name(), Key.view(w.name()));
                Indexes.diff(x, Key.view(w.name()), w.name(), c.indexes(), w.indexes(), false, 0);
            }
        }
        for (Catalog.View w : x.want.views().values()) {
            if (!x.cur.views().containsKey(w.name())) {
                create(x, w, true).forEach(x::add);
            }
        }
    }

    private static String kind(Catalog.View v) {
        return v.materialized() ? "MATERIALIZED VIEW" : "VIEW";
    }

    /** The relations a view reads, as keys of {@code cat}. */
    private static Set<String> deps(Catalog.Schema cat, Catalog.View v) {
        Set<String> out = new LinkedHashSet<>();
        for (String d : v.dependsOn()) {
            out.add(cat.views().containsKey(d) ? Key.view(d) : cat.sequences().containsKey(d) ? Key.sequence(d) : Key.table(d));
        }
        out.addAll(Refs.inExpression(v.def()));
        return out;
    }

    private static Step drop(Differ.Ctx x, Catalog.View c, boolean kept) {
        Step s = new Step(Phase.DROP_VIEW, "DROP " + kind(c) + " " + Sql.rel(c.name()),
                kept ? Step.Safety.SAFE : Step.Safety.DESTRUCTIVE, kept ? "re-created below" : "view not in the model",
                "view " + c.name(), false, null).withDrops(Key.view(c.name())).withDependsOn(deps(x.cur, c));
        for (String i : c.indexes().keySet()) {
            s = s.withDrops(Key.index(i));
        }
        return s;
    }

    private static List<Step> create(Differ.Ctx x, Catalog.View w, boolean isNew) {
        List<Step> out = new ArrayList<>();
        String def = w.def().strip();
        if (def.endsWith(";")) {
            def = def.substring(0, def.length() - 1);
        }
        String key = Key.view(w.name());
        out.add(new Step(Phase.CREATE_VIEW, "CREATE " + kind(w) + " " + Sql.rel(w.name())
                + Storage.with(x.want.options(w.name())) + " AS\n" + def,
                w.materialized() && !isNew ? Step.Safety.LOCKING : Step.Safety.SAFE,
                isNew ? "new view" : w.materialized() ? "materialized view re-created and re-filled" : "view replaced",
                "view " + w.name(), isNew, null).withCreates(key).withDependsOn(deps(x.want, w)));
        Step comment = Comments.step(kind(w), Sql.rel(w.name()), key, "view " + w.name(), null, w.comment(), isNew);
        if (comment != null) {
            out.add(comment);
        }
        for (Catalog.Index i : w.indexes().values()) {
            out.add(Step.safe(Phase.COMMENT - 1, i.def(), "index " + i.name(), "index of materialized view", isNew)
                    .withCreates(Key.index(i.name())).withDependsOn(key));
            Step ic = Comments.step("INDEX", "{schema}." + Sql.q(i.name()), Key.index(i.name()), "index " + i.name(), null,
                    i.comment(), isNew);
            if (ic != null) {
                out.add(ic);
            }
        }
        return out;
    }
}
