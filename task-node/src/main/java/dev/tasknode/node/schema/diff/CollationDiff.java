package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.SchemaObjects.Collation;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Collations the model creates. PostgreSQL cannot alter a collation's locale or provider: a changed one is
 * dropped and created again, destructive, and PostgreSQL refuses that while a column or index uses it.
 */
final class CollationDiff {
    private CollationDiff() {}

    static void collations(Differ.Ctx x) {
        for (Collation w : x.want.objects().collations().values()) {
            Collation c = x.cur.objects().collations().get(w.name());
            String ref = Sql.rel(w.name());
            String obj = "collation " + w.name();
            boolean same = c != null && c.provider() == w.provider() && c.deterministic() == w.deterministic()
                    && java.util.Objects.equals(c.collate(), w.collate()) && java.util.Objects.equals(c.ctype(), w.ctype())
                    && java.util.Objects.equals(c.locale(), w.locale());
            if (c == null) {
                x.add(Step.safe(Phase.COLLATION, create(ref, w), obj, "new collation", true));
            } else if (!same) {
                String reason = "collation changed: re-created (refused while a column or index uses it)";
                x.add(new Step(Phase.COLLATION, "DROP COLLATION " + ref, Step.Safety.DESTRUCTIVE, reason, obj, false, null));
                x.add(new Step(Phase.COLLATION, create(ref, w), Step.Safety.DESTRUCTIVE, reason, obj, false, null));
            }
            if (!same ? w.comment() != null : Differ.differs(c.comment(), w.comment())) {
                x.add(Step.safe(Phase.COMMENT, Differ.comment("COLLATION", ref, w.comment()), obj, "comment", c == null));
            }
        }
        for (Collation c : x.cur.objects().collations().values()) {
            if (!x.want.objects().collations().containsKey(c.name())) {
                x.add(new Step(Phase.DROP_COLLATION, "DROP COLLATION " + Sql.rel(c.name()), Step.Safety.DESTRUCTIVE,
                        "collation not in the model", "collation " + c.name(), false, null));
            }
        }
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
