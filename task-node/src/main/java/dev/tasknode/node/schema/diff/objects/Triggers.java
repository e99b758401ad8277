package dev.tasknode.node.schema.diff.objects;

import dev.tasknode.node.schema.diff.Comments;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.diff.Refs;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.SchemaObjects.Trigger;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Triggers, by table and name ({@code trigger:<table>.<name>}, a member of its table). A changed definition is
 * a drop and a create (CREATE OR REPLACE TRIGGER does not cover constraint triggers). An unchanged trigger is a
 * dependent of its function, of the columns it names and of the view it is on: rebuilt when one of them is
 * dropped or reshaped. Enabling and disabling is in place. Creating or dropping a trigger takes a brief lock
 * that blocks the table's writes (no scan): locking on a table of at least {@code large-table-rows} rows, where
 * writers queue behind it, else safe.
 */
public final class Triggers {
    private Triggers() {}

    public static void diff(Differ.Ctx x) {
        Map<String, Trigger> cur = x.cur.objects().triggers();
        Map<String, Trigger> want = x.want.objects().triggers();
        for (Map.Entry<String, Trigger> e : cur.entrySet()) {
            Trigger c = e.getValue();
            Trigger w = want.get(e.getKey());
            if (w == null) {
                if (x.want.tables().containsKey(c.table()) || x.want.views().containsKey(c.table())) {
                    x.add(new Step(Phase.DROP_TRIGGER, drop(c), Step.Safety.DESTRUCTIVE,
                            "trigger not in the model (what it does stops)", object(c), false, null)
                            .withDrops(key(c)).withDependsOn(deps(x.cur, c)));
                } // else it goes with its table or view
            } else if (!Objects.equals(c.def(), w.def())) {
                x.add(dropStep(x, c));
                create(x, w, false).forEach(x::add);
            } else {
                x.dependent(key(c), deps(x.cur, c), () -> {
                    List<Step> s = new ArrayList<>();
                    s.add(dropStep(x, c));
                    s.addAll(create(x, w, false));
                    return s;
                });
                if (c.enabled() != w.enabled()) {
                    x.add(Step.safe(Phase.CREATE_TRIGGER, enable(w), object(w), "trigger state (enabled/disabled)", false)
                            .withAlters(key(w)));
                }
                Comments.of(x, "TRIGGER " + Sql.q(w.name()) + " ON", Sql.rel(w.table()), key(w), object(w), c.comment(),
                        w.comment(), false);
            }
        }
        for (Map.Entry<String, Trigger> e : want.entrySet()) {
            if (!cur.containsKey(e.getKey())) {
                create(x, e.getValue(), true).forEach(x::add);
            }
        }
    }

    private static List<Step> create(Differ.Ctx x, Trigger w, boolean isNew) {
        List<Step> out = new ArrayList<>();
        boolean newRelation = !x.cur.tables().containsKey(w.table()) && !x.cur.views().containsKey(w.table());
        String reason = !isNew ? "trigger re-created" : newRelation ? "trigger of a new table" : "new trigger";
        Set<String> deps = deps(x.want, w);
        // the table's columns, not the table: its other triggers are members of it too (they would wait on each other)
        if (x.want.views().containsKey(w.table())) {
            deps.add(Key.view(w.table()));
        } else if (x.want.tables().containsKey(w.table())) {
            deps.addAll(Functions.columns(x.want, w.table()));
        }
        out.add(lockStep(x, Phase.CREATE_TRIGGER, w.def(), w, isNew, reason).withCreates(key(w)).withDependsOn(deps));
        if (w.enabled() != 'O') {
            out.add(Step.safe(Phase.CREATE_TRIGGER, enable(w), object(w), "trigger state", isNew).withAlters(key(w)));
        }
        Step comment = Comments.step("TRIGGER " + Sql.q(w.name()) + " ON", Sql.rel(w.table()), key(w), object(w), null,
                w.comment(), isNew);
        if (comment != null) {
            out.add(comment);
        }
        return out;
    }

    private static Step dropStep(Differ.Ctx x, Trigger c) {
        return lockStep(x, Phase.DROP_TRIGGER, drop(c), c, false, "re-created below").withDrops(key(c))
                .withDependsOn(deps(x.cur, c));
    }

    /** Its function, the columns it names, the view it is on (not its table: a trigger survives most of its changes). */
    private static Set<String> deps(Catalog.Schema cat, Trigger t) {
        Set<String> out = new LinkedHashSet<>();
        if (t.function() != null) {
            out.add(Functions.functionKey(t.function()));
        }
        out.addAll(Refs.columns(t.table(), t.columns()));
        if (cat.views().containsKey(t.table())) {
            out.add(Key.view(t.table()));
        }
        return out;
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

    private static String key(Trigger t) {
        return "trigger:" + t.table() + "." + t.name();
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
