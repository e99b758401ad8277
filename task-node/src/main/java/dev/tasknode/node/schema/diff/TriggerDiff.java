package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.SchemaObjects.Trigger;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.Map;
import java.util.Objects;

/**
 * Triggers, by table and name. A changed definition is a drop and a create (CREATE OR REPLACE TRIGGER does
 * not cover constraint triggers); so is a trigger on a table whose columns are reshaped, on a view that is
 * re-created, or calling a function that is re-created. Enabling and disabling is in place. Creating or
 * dropping a trigger takes a brief lock on the table that blocks its writes (no scan): locking on a table of
 * at least {@code large-table-rows} rows, where writers queue behind it, else safe.
 */
final class TriggerDiff {
    private TriggerDiff() {}

    static void triggers(Differ.Ctx x) {
        Map<String, Trigger> cur = x.cur.objects().triggers();
        Map<String, Trigger> want = x.want.objects().triggers();
        for (Map.Entry<String, Trigger> e : cur.entrySet()) {
            Trigger c = e.getValue();
            Trigger w = want.get(e.getKey());
            if (w == null) {
                if (x.want.tables().containsKey(c.table()) || x.want.views().containsKey(c.table())) {
                    x.add(new Step(Phase.DROP_TRIGGER, drop(c), Step.Safety.DESTRUCTIVE,
                            "trigger not in the model (what it does stops)", object(c), false, null));
                } // else it goes with its table or view
            } else if (redo(x, c, w)) {
                x.add(lockStep(x, Phase.DROP_TRIGGER, drop(c), c, false, "re-created below"));
            }
        }
        for (Map.Entry<String, Trigger> e : want.entrySet()) {
            Trigger w = e.getValue();
            Trigger c = cur.get(e.getKey());
            boolean fresh = c == null || redo(x, c, w);
            if (fresh) {
                boolean newRelation = !x.cur.tables().containsKey(w.table()) && !x.cur.views().containsKey(w.table());
                String reason = c == null ? (newRelation ? "trigger of a new table" : "new trigger") : "trigger re-created";
                x.add(lockStep(x, Phase.CREATE_TRIGGER, w.def(), w, c == null, reason));
                if (w.enabled() != 'O') {
                    x.add(Step.safe(Phase.CREATE_TRIGGER, enable(w), object(w), "trigger state", c == null));
                }
            } else if (c.enabled() != w.enabled()) {
                x.add(Step.safe(Phase.CREATE_TRIGGER, enable(w), object(w), "trigger state (enabled/disabled)", false));
            }
            if (fresh ? w.comment() != null : Differ.differs(c.comment(), w.comment())) {
                x.add(Step.safe(Phase.COMMENT, Differ.comment("TRIGGER " + Sql.q(w.name()) + " ON", Sql.rel(w.table()),
                        w.comment()), object(w), "comment", c == null));
            }
        }
    }

    private static boolean redo(Differ.Ctx x, Trigger c, Trigger w) {
        return !Objects.equals(c.def(), w.def()) || x.reshapedTables.contains(c.table())
                || x.droppedViews.contains(c.table()) || (c.function() != null && FunctionDiff.replaced(x, c.function()));
    }

    private static Step lockStep(Differ.Ctx x, int phase, String sql, Trigger t, boolean creates, String reason) {
        if (!x.cur.tables().containsKey(t.table())) {
            return Step.safe(phase, sql, object(t), reason, creates);
        }
        long rows = x.cur.rows(t.table());
        boolean large = rows >= x.largeRows;
        return new Step(phase, sql, large ? Step.Safety.LOCKING : Step.Safety.SAFE, reason + "; " + (large
                ? "blocks writes to ~" + rows + " rows while it waits for a brief lock (SHARE ROW EXCLUSIVE or stronger)"
                : "brief lock on a small table (~" + rows + " rows)"), object(t), creates, null);
    }

    private static String drop(Trigger t) {
        return "DROP TRIGGER " + Sql.q(t.name()) + " ON " + Sql.rel(t.table());
    }

    private static String enable(Trigger t) {
        String how = switch (t.enabled()) {
            case 'D' -> "DISABLE TRIGGER ";
            case 'R' -> "ENABLE REPLICA TRIGGER ";
            case 'A' -> "ENABLE ALWAYS TRIGGER ";
            default -> "ENABLE TRIGGER ";
        };
        return "ALTER TABLE " + Sql.rel(t.table()) + " " + how + Sql.q(t.name());
    }

    private static String object(Trigger t) {
        return "trigger " + t.table() + "." + t.name();
    }
}
