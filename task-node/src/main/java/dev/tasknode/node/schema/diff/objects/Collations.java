package dev.tasknode.node.schema.diff.objects;

import dev.tasknode.node.schema.diff.Comments;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.diff.Refs;

import dev.tasknode.node.schema.inspect.SchemaObjects.Collation;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collations the model creates ({@code collation:<name>}, which columns, domains and attributes using it depend
 * on). PostgreSQL cannot alter a collation's provider or locale: a changed one is dropped and created again,
 * destructive, and PostgreSQL refuses that while a column or index uses it.
 */
public final class Collations {
    private Collations() {}

    public static void diff(Differ.Ctx x) {
        for (Collation w : x.want.objects().collations().values()) {
            Collation c = x.cur.objects().collations().get(w.name());
            String ref = Sql.rel(w.name());
            String key = key(w);
            String obj = "collation " + w.name();
            boolean same = c != null && c.provider() == w.provider() && c.deterministic() == w.deterministic()
                    && Objects.equals(c.collate(), w.collate()) && Objects.equals(c.ctype(), w.ctype())
                    && Objects.equals(c.locale(), w.locale());
            if (c == null) {
                x.add(Step.safe(Phase.COLLATION, create(ref, w), obj, "new collation", true).withCreates(key));
            } else if (!same) {
                String reason = "collation changed: re-created (refused while a column or index uses it)";
                x.add(new Step(Phase.COLLATION, "DROP COLLATION " + ref, Step.Safety.DESTRUCTIVE, reason, obj, false, null)
                        .withDrops(key));
                x.add(new Step(Phase.COLLATION, create(ref, w), Step.Safety.DESTRUCTIVE, reason, obj, false, null)
                        .withCreates(key));
            }
            Comments.of(x, "COLLATION", ref, key, obj, same ? c.comment() : null, w.comment(), c == null);
        }
        for (Collation c : x.cur.objects().collations().values()) {
            if (!x.want.objects().collations().containsKey(c.name())) {
                x.add(new Step(Phase.DROP_COLLATION, "DROP COLLATION " + Sql.rel(c.name()), Step.Safety.DESTRUCTIVE,
                        "collation not in the model", "collation " + c.name(), false, null).withDrops(key(c)));
            }
        }
    }

    private static String key(Collation c) {
        return "collation:" + c.name();
    }

    private static String create(String ref, Collation w) {
        List<String> opts = new ArrayList<>();
        if (w.provider() == 'i') {
            opts.add("provider = icu");
            opts.add("locale = " + Sql.literal(w.locale()));
        } else {
            opts.add("provider = libc");
            opts.add("lc_collate = " + Sql.literal(w.collate()));
            opts.add("lc_ctype = " + Sql.literal(w.ctype()));
        }
        if (!w.deterministic()) {
            opts.add("deterministic = false");
        }
        return "CREATE COLLATION " + ref + " (" + String.join(", ", opts) + ")";
    }
}
