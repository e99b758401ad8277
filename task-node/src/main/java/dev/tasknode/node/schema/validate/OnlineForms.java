package dev.tasknode.node.schema.validate;

import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.online.OnlinePlan;
import dev.tasknode.node.schema.online.OnlinePlanner;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The online forms of a change set, as apply runs them: the statements of the schema's transaction, then the online
 * steps (a concurrent index build, a constraint added NOT VALID and validated after the commit, a NOT NULL through a
 * validated check, …). Plan validation runs the plain plan and, when the online stage changes anything, these forms
 * as well, since they are what reaches live: other statements, in another order (the online steps after the
 * transaction's). The forms are chosen from the group's sample, as {@code SchemaRunner} chooses them (its row
 * estimates decide {@code online=auto}); leftovers of an interrupted run are not part of them here (the copy restores
 * invalid indexes valid).
 */
final class OnlineForms {
    private OnlineForms() {}

    /** The forms apply would run for {@code g}, or null when they are the plain plan's statements in its order. */
    static OnlinePlan of(SchemaEngine engine, SchemaEngine.Group g, FleetApplier.Options o) throws SQLException {
        OnlinePlan full = OnlinePlanner.rewrite(g.plan(), g.sample(), engine.desiredFor(g.kind()), Map.of(), o.online(),
                engine.props().getLargeTableRows());
        OnlinePlan run = full.filter(i -> i.safety() != Step.Safety.DESTRUCTIVE || o.allowDestructive());
        List<String> plain = new ArrayList<>();
        for (Step s : g.plan().steps()) {
            if (s.safety() != Step.Safety.DESTRUCTIVE || o.allowDestructive()) {
                plain.add(s.sql());
            }
        }
        List<String> forms = new ArrayList<>();
        run.transactional().forEach(i -> forms.addAll(i.sqls()));
        run.online().forEach(i -> forms.addAll(i.sqls()));
        return run.online().isEmpty() && forms.equals(plain) ? null : run;
    }

    /** Runs the forms on the copy (a concurrent statement plainly: the copy holds no data nor traffic); null, or why not. */
    static String run(Statement st, OnlinePlan forms, String rep, String shared) throws SQLException {
        int n = 0;
        for (List<OnlinePlan.Item> part : List.of(forms.transactional(), forms.online())) {
            boolean online = part == forms.online();
            for (OnlinePlan.Item i : part) {
                n++;
                for (String sql : i.sqls()) {
                    String bound = ScratchCopy.inTransaction(Plan.bind(sql, rep, shared));
                    try {
                        st.execute(bound);
                    } catch (SQLException e) {
                        return (online ? "online step " : "statement ") + n + " (" + i.form().wire() + ") of the forms "
                                + "apply runs fails on a scratch copy of " + rep + ": "
                                + e.getMessage().replaceAll("\\s+", " ") + " — in: " + sql;
                    }
                }
            }
        }
        return null;
    }
}
