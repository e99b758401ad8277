package dev.tasknode.node.schema.validate;

import dev.tasknode.node.db.ScratchDatabases;
import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.CatalogInspector;
import dev.tasknode.node.schema.online.OnlinePlan;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.task.TaskContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plan validation before live: each distinct change set runs first on a scratch copy of its state (the schema
 * structure only, of the shared schema and of one schema per group: see {@link ScratchCopy}), and the copy is
 * inspected again. When the statements fail there, or leave a difference from the
 * model other than the destructive statements left out, the group is {@code unplannable}: none of its schemas is
 * touched, and the reason names what is left. One copy and one run per group, whatever the fleet's
 * size. The shared group runs first (project change sets may need its new objects); when it is unplannable, the
 * projects are validated against the shared schema as it stays live.
 */
public final class PlanValidator {
    private final SchemaEngine engine;

    public PlanValidator(SchemaEngine engine) {
        this.engine = engine;
    }

    /**
     * Validates the change sets of {@code work} (schema → its group). Returns the schemas that must not be touched,
     * each with the reason (the same for every schema of a group).
     */
    public Map<String, String> unplannable(TaskContext ctx, List<String> work, Map<String, SchemaEngine.Group> groups,
                                           FleetApplier.Options o) throws Exception {
        boolean allowDestructive = o.allowDestructive();
        boolean onlyCreates = o.onlyCreates();
        if (work.isEmpty()) {
            return Map.of();
        }
        String shared = engine.fleet().sharedSchema();
        Map<SchemaEngine.Group, String> reasons = new IdentityHashMap<>();
        if (work.contains(shared)) {
            // cheap and read from the live catalogs, so it runs even when validation is off: never a shared apply
            // that fails at a project's view
            try (Connection live = engine.dataSource().getConnection()) {
                String why = SharedDependents.why(live, groups.get(shared).plan(), shared);
                if (why != null) {
                    reasons.put(groups.get(shared), why);
                }
            }
        }
        if (!engine.props().isValidatePlans()) {
            ctx.log().warn("plan validation is off (tasknode.schema.validate-plans=false): the change sets go live unvalidated");
            Map<String, String> out = reasons.isEmpty() ? Map.of() : Map.of(shared, reasons.values().iterator().next());
            record(ctx, o, out, groups, shared);
            return out;
        }
        long t0 = System.nanoTime();
        // one representative per distinct change set, the shared group first
        Map<SchemaEngine.Group, String> reps = new IdentityHashMap<>();
        List<SchemaEngine.Group> order = new ArrayList<>();
        for (String s : work.contains(shared) ? concat(shared, work) : work) {
            SchemaEngine.Group g = groups.get(s);
            if (!reps.containsKey(g)) {
                reps.put(g, s);
                order.add(g);
            }
        }
        // several clusters: a change set already validated (or being validated) on another cluster's copy of the same
        // state is not run again here (see SharedVerdicts)
        SharedVerdicts.Split split = SharedVerdicts.split(o.gate() == null ? null : o.gate().verdicts(), order, groups.get(shared),
                g -> g.kind() + "|" + g.fingerprint() + "|" + g.plan().script() + "|" + allowDestructive + "|" + onlyCreates);
        List<SchemaEngine.Group> mine = split.mine();
        java.util.Set<SchemaEngine.Group> inconclusive = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        boolean finished = false;
        try {
            runLocal(ctx, mine, reps, shared, o, reasons, inconclusive);
            finished = true;
        } finally {
            split.publish(reasons, inconclusive, finished, engine.cluster());
        }
        SharedVerdicts.Others others = split.awaitOthers();
        reasons.putAll(others.reasons());
        if (!split.others().isEmpty()) {
            ctx.log().info("plan validation: %d change set(s) were validated on another cluster's copy of the same state%s",
                    split.others().size() - others.redo().size(), others.redo().isEmpty() ? ""
                            : "; " + others.redo().size() + " could not be there (that cluster failed): validated here");
        }
        if (!others.redo().isEmpty()) {
            List<SchemaEngine.Group> redo = new ArrayList<>(others.redo());
            SchemaEngine.Group sharedGroup = groups.get(shared);
            if (order.contains(sharedGroup) && !redo.contains(sharedGroup)) {
                redo.addFirst(sharedGroup); // the project sets run on the shared set's result
            }
            runLocal(ctx, redo, reps, shared, o, reasons, inconclusive);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : work) {
            String why = reasons.get(groups.get(s));
            if (why != null) {
                out.put(s, why);
            }
        }
        ctx.log().info("plan validation: %d change set(s) run on a scratch copy in %d ms, %d unplannable",
                mine.size() + others.redo().size(),
                (System.nanoTime() - t0) / 1_000_000, reasons.size());
        reasons.forEach((g, why) -> ctx.log().error("change set %s (%s, %d schema(s)) is unplannable: %s", g.fingerprint(),
                reps.get(g), g.schemas().size(), why));
        record(ctx, o, out, groups, shared);
        return out;
    }

    /**
     * Validates {@code list} on one scratch copy of this cluster, adding to {@code reasons}; a set whose validation
     * could not run (no scratch database, a dump that failed) is also {@code inconclusive}: another cluster waiting for
     * its verdict validates it itself.
     */
    private void runLocal(TaskContext ctx, List<SchemaEngine.Group> list, Map<SchemaEngine.Group, String> reps, String shared,
                          FleetApplier.Options o, Map<SchemaEngine.Group, String> reasons,
                          java.util.Set<SchemaEngine.Group> inconclusive) throws Exception {
        if (list.isEmpty()) {
            return;
        }
        ScratchDatabases scratch = ScratchDatabases.of(engine.dataSource());
        if (scratch == null) {
            list.forEach(g -> reasons.put(g, "plan validation impossible: the pool's connection settings cannot be read"));
            inconclusive.addAll(list);
            return;
        }
        try (ScratchDatabases.Scratch db = scratch.create()) {
            String how = new ScratchCopy(engine).make(scratch, db, ctx, list, reps, shared);
            ctx.log().info("scratch copy for validating %d change set(s): %s", list.size(), how);
            try (Connection c = db.connect()) {
                List<String> forms = new ArrayList<>();
                for (SchemaEngine.Group g : list) {
                    if (reasons.containsKey(g)) {
                        continue; // refused already: the projects run against the shared schema as it stays
                    }
                    String why = validate(c, g, reps.get(g), shared, o, forms);
                    if (why != null) {
                        reasons.put(g, why);
                    }
                }
                if (!forms.isEmpty()) {
                    ctx.log().info("plan validation ran the online forms apply runs too: %s", String.join(", ", forms));
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException || e instanceof java.util.concurrent.CancellationException) {
                throw e;
            }
            String why = "plan validation failed on its scratch copy, nothing was changed: " + e.getMessage();
            list.forEach(g -> {
                if (reasons.putIfAbsent(g, why) == null) {
                    inconclusive.add(g);
                }
            });
        }
    }

    /**
     * Runs one change set on the copy of its representative; null when it reaches the model, else why not. The whole
     * set (destructive statements too) must reach the model exactly; when destructive statements are left out live,
     * the statements that do run must run on their own as well (live order, no error). The shared schema is left in
     * the state live will have, for the project sets after it.
     */
    private String validate(Connection c, SchemaEngine.Group g, String rep, String shared, FleetApplier.Options o,
                            List<String> formsRun) throws SQLException {
        boolean allowDestructive = o.allowDestructive();
        boolean onlyCreates = o.onlyCreates();
        List<Step> all = g.plan().steps();
        List<Step> live = all.stream().filter(s -> allowDestructive || s.safety() != Step.Safety.DESTRUCTIVE).toList();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            // as apply runs them (SchemaRunner): a LANGUAGE sql body's unqualified names are checked at creation
            st.execute("SET LOCAL search_path TO " + Sql.q(rep) + ", public");
            st.execute("SAVEPOINT before_set");
            String why = live.size() < all.size() ? run(st, live, rep, shared) : null;
            if (why == null) {
                if (live.size() < all.size()) {
                    st.execute("ROLLBACK TO SAVEPOINT before_set");
                }
                why = run(st, all, rep, shared);
            }
            if (why == null) {
                why = left(c, g, rep, shared, onlyCreates, "after its " + all.size() + " statement(s)");
            }
            OnlinePlan forms = why == null ? OnlineForms.of(engine, g, o) : null;
            if (forms != null) {
                // what apply actually runs: the transaction's statements, then the online steps, in their forms
                st.execute("ROLLBACK TO SAVEPOINT before_set");
                formsRun.add(rep + " (" + forms.online().size() + " online step(s))");
                why = OnlineForms.run(st, forms, rep, shared);
                if (why == null && live.size() == all.size()) {
                    why = left(c, g, rep, shared, onlyCreates, "in the online forms apply runs, after its "
                            + forms.size() + " statement(s)");
                }
            }
            if (why != null) {
                c.rollback();
                return why;
            }
            if (forms == null && live.size() < all.size() && rep.equals(shared)) {
                st.execute("ROLLBACK TO SAVEPOINT before_set");
                run(st, live, rep, shared);
            }
            c.commit(); // the shared schema's new state is what the project change sets run against
            return null;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Null when the copy of {@code rep} now matches the model, else the difference left. */
    private String left(Connection c, SchemaEngine.Group g, String rep, String shared, boolean onlyCreates, String when)
            throws SQLException {
        Catalog.Schema after = CatalogInspector.inspect(c, List.of(rep), shared, engine.desired().extensions()).get(rep);
        Plan left = Differ.plan(after, engine.desiredFor(g.kind()), engine.props().getLargeTableRows());
        if (onlyCreates) {
            left = left.onlyCreates();
        }
        return left.isEmpty() ? null : when + " a scratch copy of " + rep + " still differs from the model:\n" + left.script();
    }

    /** Runs statements; the first failure says why (the caller then rolls the transaction back). */
    private static String run(Statement st, List<Step> steps, String rep, String shared) throws SQLException {
        int n = 0;
        for (Step s : steps) {
            n++;
            String sql = ScratchCopy.inTransaction(Plan.bind(s.sql(), rep, shared));
            try {
                st.execute(sql);
            } catch (SQLException e) {
                return "statement " + n + " fails on a scratch copy of " + rep + ": " + e.getMessage().replaceAll("\\s+", " ")
                        + " — in: " + s.sql();
            }
        }
        return null;
    }

    /** One history row per untouched schema, so schema_status shows it failed (nothing ran: nothing to roll back). */
    private void record(TaskContext ctx, FleetApplier.Options o, Map<String, String> out, Map<String, SchemaEngine.Group> groups,
                        String shared) throws SQLException {
        if (out.isEmpty()) {
            return;
        }
        try (Connection c = engine.dataSource().getConnection()) {
            for (var e : out.entrySet()) {
                SchemaEngine.Group g = groups.get(e.getKey());
                List<String> sql = g.plan().steps().stream().map(s -> Plan.bind(s.sql(), e.getKey(), shared)).toList();
                engine.history().insert(c, e.getKey(), ctx.taskId(), o.task(), "unplannable", sql, List.of(), g.fingerprint(),
                        e.getValue());
            }
        }
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> out = new ArrayList<>(rest.size() + 1);
        out.add(first);
        out.addAll(rest);
        return out;
    }
}
