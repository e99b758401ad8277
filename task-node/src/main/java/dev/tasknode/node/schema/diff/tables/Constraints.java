package dev.tasknode.node.schema.diff.tables;

import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.diff.Refs;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Primary, unique, foreign, check and exclusion constraints. A constraint that changes is dropped and added again.
 * A foreign key depends on the key it references (a unique or primary key, or a unique index, of the same schema):
 * it is added after that key and, when that key is dropped or re-created, dropped before and added again after.
 */
public final class Constraints {
    private Constraints() {}

    /** The keys a constraint creates: itself and, for primary/unique/exclusion, the index it owns (same name). */
    public static String[] keys(String t, Catalog.Constraint k) {
        return k.type() == 'p' || k.type() == 'u' || k.type() == 'x'
                ? new String[] {Key.constraint(t, k.name()), Key.index(k.name())}
                : new String[] {Key.constraint(t, k.name())};
    }

    /** What a constraint depends on in {@code cat}: its columns, the key a foreign key uses, what its text names. */
    private static Set<String> deps(Catalog.Schema cat, String t, Catalog.Constraint k) {
        Set<String> out = new LinkedHashSet<>(Refs.columns(t, k.columns()));
        out.addAll(Refs.inExpression(k.def()));
        if (k.type() == 'f') {
            out.addAll(Refs.keyOf(cat, k));
            Refs.Referenced r = Refs.referenced(k);
            if (r != null) {
                out.addAll(Refs.columns(r.table(), r.columns()));
            }
        }
        return out;
    }

    public static void drops(Differ.Ctx x, Catalog.Table c, Catalog.Table w) {
        String t = w.name();
        for (Catalog.Constraint k : c.constraints().values()) {
            Catalog.Constraint want = w.constraints().get(k.name());
            if (want == null || !want.def().equals(k.def())) {
                x.add(drop(x, t, k, want == null ? Safety.DESTRUCTIVE : Safety.SAFE,
                        want == null ? "constraint not in the model" : "re-added with the new definition below"));
            } else if (k.type() == 'f' || !Refs.inExpression(k.def()).isEmpty()) {
                dependent(x, t, k);
            }
        }
    }

    private static Step drop(Differ.Ctx x, String t, Catalog.Constraint k, Safety safety, String reason) {
        return new Step(k.type() == 'f' ? Phase.DROP_FOREIGN_KEY : Phase.DROP_CONSTRAINT,
                "ALTER TABLE " + Sql.rel(t) + " DROP CONSTRAINT " + Sql.q(k.name()), safety, reason,
                "constraint " + t + "." + k.name(), false, null).withDrops(keys(t, k)).withDependsOn(deps(x.cur, t, k));
    }

    /**
     * An unchanged foreign key, or a check naming a type: rebuilt when the key it references, or the type, is
     * dropped or re-created (PostgreSQL refuses to drop a key that foreign keys use).
     */
    private static void dependent(Differ.Ctx x, String t, Catalog.Constraint k) {
        Set<String> live = new LinkedHashSet<>(Refs.inExpression(k.def()));
        if (k.type() == 'f') {
            live.addAll(Refs.keyOf(x.cur, k));
        }
        x.dependent(Key.constraint(t, k.name()), live, () -> List.of(
                drop(x, t, k, Safety.SAFE, "dropped and re-added below: what it depends on is re-created"),
                add(x, t, k, Safety.LOCKING, "re-added after what it depends on (validates every row)", false)));
    }

    public static void adds(Differ.Ctx x, Catalog.Table c, Catalog.Table w, long rows) {
        String t = w.name();
        for (Catalog.Constraint k : w.constraints().values()) {
            Catalog.Constraint have = c.constraints().get(k.name());
            if (have == null || !have.def().equals(k.def())) {
                x.add(addChecked(x, t, k));
            }
        }
    }

    public static int fkPhase(Catalog.Constraint k) {
        return k.def().contains("REFERENCES {shared}.") ? Phase.ADD_SHARED_FOREIGN_KEY : Phase.ADD_FOREIGN_KEY;
    }

    public static Step add(Differ.Ctx x, String t, Catalog.Constraint k, Safety safety, String reason, boolean creates) {
        int phase = k.type() == 'f' ? fkPhase(k) : Phase.ADD_CONSTRAINT;
        return new Step(phase, "ALTER TABLE " + Sql.rel(t) + " ADD CONSTRAINT " + Sql.q(k.name()) + " " + k.def(), safety,
                reason, "constraint " + t + "." + k.name(), creates, null).withCreates(keys(t, k))
                .withDependsOn(deps(x.want, t, k));
    }

    private static Step addChecked(Differ.Ctx x, String t, Catalog.Constraint k) {
        String ref = Sql.rel(t);
        if (k.def().endsWith(" NOT VALID")) { // existing rows are not checked: nothing to scan, nothing to count
            return add(x, t, k, Safety.SAFE, "NOT VALID: only new rows are checked (no scan)", false);
        }
        return switch (k.type()) {
            case 'f' -> add(x, t, k, Safety.LOCKING, "validates every row; blocks writes to both tables meanwhile", false);
            case 'c' -> add(x, t, k, Safety.LOCKING, "validates every row under an exclusive lock", false)
                    .withCheck(new Step.Check("rows violating the check", "SELECT count(*) FROM " + ref + " WHERE NOT "
                            + k.def().replaceFirst("^CHECK ", "").replaceFirst(" NO INHERIT$", "")));
            case 'p', 'u' -> add(x, t, k, Safety.LOCKING, "builds a unique index under an exclusive lock", false)
                    .withCheck(duplicates(ref, Sql.cols(k.columns()), null, !k.def().contains("NULLS NOT DISTINCT")));
            default -> add(x, t, k, Safety.LOCKING, "builds an index under an exclusive lock", false);
        };
    }

    /** Groups of rows a new unique key would refuse; rows with a NULL in the key do not collide unless NULLS NOT DISTINCT. */
    public static Step.Check duplicates(String ref, String exprs, String where, boolean nullsDistinct) {
        String filter = nullsDistinct ? "ROW(" + exprs + ") IS NOT NULL" : null;
        String cond = where == null ? filter : filter == null ? "(" + where + ")" : "(" + where + ") AND " + filter;
        return new Step.Check("duplicate key groups", "SELECT count(*) FROM (SELECT 1 FROM " + ref
                + (cond == null ? "" : " WHERE " + cond) + " GROUP BY " + exprs + " HAVING count(*) > 1) d");
    }
}
