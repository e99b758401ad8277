package dev.tasknode.node.schema.convergence;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.SchemaTestDb;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Runs one case through the engine's public entry points in its worker's two databases ({@link CaseDbs}): load
 * the before state into the live database; start an engine whose model is the after state (start-up validation
 * included); propose; apply with destructive statements allowed; propose again, which must be empty; build the
 * after state fresh in the other database by running its SQL; the two normalised pg_dumps must be equal.
 */
final class CaseRun {
    static final String SHARED = "shared";
    static final String PROJECT_ID = "1";
    static final String PROJECT = "p_1";

    /** {@code stage} names the step that failed (null = converged); {@code classes} what propose showed. */
    record Result(ConvergenceCase c, String stage, String error, Set<String> classes, long millis) {
        boolean passed() {
            return stage == null;
        }

        Result map(UnaryOperator<String> f) {
            return new Result(c, stage, error == null ? null : f.apply(error), classes, millis);
        }

        /** A defect of the case itself (its SQL does not run), never excused by the known-failures list. */
        boolean caseDefect() {
            return "before".equals(stage) || "fresh".equals(stage);
        }
    }

    private static final class Failed extends Exception {
        final String stage;

        Failed(String stage, String message) {
            super(message);
            this.stage = stage;
        }
    }

    private CaseRun() {}

    static Result run(ConvergenceCase c, CaseDbs dbs) {
        long t0 = System.nanoTime();
        Set<String> classes = new TreeSet<>();
        String stage = null;
        String error = null;
        try {
            converge(c, dbs, classes);
        } catch (Failed f) {
            stage = f.stage;
            error = f.getMessage();
        } catch (Throwable t) {
            stage = "harness";
            error = t.toString();
        }
        return new Result(c, stage, error, classes, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void converge(ConvergenceCase c, CaseDbs dbs, Set<String> classes) throws Exception {
        dbs.reset();
        SchemaTestDb live = dbs.live;
        step("before", () -> {
            CaseDbs.load(live, "CREATE SCHEMA " + SHARED + ";\n" + inSchema(c.sharedBefore(), SHARED));
            if (c.before() != null) {
                CaseDbs.load(live, "CREATE SCHEMA " + PROJECT + ";\n" + inSchema(c.before(), PROJECT));
            }
            if (!c.data().isEmpty()) {
                CaseDbs.load(live, inSchema(c.data(), PROJECT));
            }
        });
        ModelSet model = new ModelSet(
                List.of(new ModelFile(ModelSet.Kind.SHARED, "shared/10-case.sql", c.id(), c.sharedAfter())),
                List.of(new ModelFile(ModelSet.Kind.PROJECT, "project/10-case.sql", c.id(), c.after())));
        SchemaTestDb.Wiring w = live.wire(model);
        if (c.refused() != null) {
            refusal(c, live, w);
            return;
        }
        step("model", () -> w.engine().afterPropertiesSet());
        Results.Proposal[] first = new Results.Proposal[1];
        step("propose", () -> first[0] = w.reports().propose(Scope.ALL).proposal());
        Results.Proposal p = first[0];
        p.changeSets().forEach(cs -> cs.statements().forEach(s -> classes.add(s.classification())));
        if (c.expect() != null && !c.expect().equals(classes)) {
            throw new Failed("expect", "expected " + c.expect() + ", proposal shows " + classes + "\n" + scripts(p));
        }
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of("param", "all", "allow_destructive", true));
        // only an unplannable case compares the shared schema with its state before apply: a pg_dump costs ~0.3 s
        List<String> dumpBefore = c.unplannable() != null ? SchemaDump.of(live.database, List.of(SHARED)) : null;
        Results.ApplyReport[] applied = new Results.ApplyReport[1];
        step("apply", () -> applied[0] = w.applier().run(ctx, Scope.ALL,
                new FleetApplier.Options("apply_migrations", true, false, false, p.fingerprint(), false)));
        if (c.unplannable() != null) {
            unplannable(c, live, applied[0], dumpBefore);
            return;
        }
        for (Results.SchemaOutcome o : applied[0].outcomes()) {
            if (!"applied".equals(o.outcome()) && !"unchanged".equals(o.outcome())) {
                throw new Failed("apply", o.schema() + " " + o.outcome() + ": " + o.error() + "\n" + scripts(p));
            }
        }
        Results.Proposal[] second = new Results.Proposal[1];
        step("propose again", () -> second[0] = w.reports().propose(Scope.ALL).proposal());
        if (second[0].toChange() != 0) {
            throw new Failed("reconverge", "after apply, propose still plans:\n" + scripts(second[0])
                    + "first plan was:\n" + scripts(p));
        }
        if (!applied[0].allMatchModel()) {
            throw new Failed("reconverge", "apply reports a schema that does not match the model: "
                    + Json.MAPPER.writeValueAsString(applied[0].outcomes()));
        }
        List<String> schemas = List.of(SHARED, PROJECT);
        List<String> got = SchemaDump.of(live.database, schemas);
        step("fresh", () -> build(dbs.fresh, c));
        List<String> want = SchemaDump.of(dbs.fresh.database, schemas);
        if (!got.equals(want)) {
            throw new Failed("compare", difference(got, want) + "plan was:\n" + scripts(p));
        }
    }

    /** A model refused by design: start-up fails naming what the case says, and the live schemas are left as they were. */
    private static void refusal(ConvergenceCase c, SchemaTestDb live, SchemaTestDb.Wiring w) throws Exception {
        List<String> before = SchemaDump.of(live.database, List.of(SHARED, PROJECT));
        String error;
        try {
            w.engine().afterPropertiesSet();
            throw new Failed("refused", "the model was accepted, the case expects it refused with: " + c.refused());
        } catch (Failed f) {
            throw f;
        } catch (Exception e) {
            error = String.valueOf(e.getMessage());
        }
        if (!error.contains(c.refused())) {
            throw new Failed("refused", "refused, but the error does not say '" + c.refused() + "': " + error);
        }
        if (!SchemaDump.of(live.database, List.of(SHARED, PROJECT)).equals(before)) {
            throw new Failed("refused", "the model was refused, yet the live schemas changed");
        }
    }

    /**
     * The shared change set refused by design: reported unplannable with the case's reason, and the shared schema
     * left as it was (the projects go on against it).
     */
    private static void unplannable(ConvergenceCase c, SchemaTestDb live, Results.ApplyReport r, List<String> before)
            throws Exception {
        Results.SchemaOutcome shared = r.outcomes().stream().filter(o -> o.schema().equals(SHARED)).findFirst()
                .orElseThrow(() -> new Failed("unplannable", "apply reports nothing for the shared schema"));
        if (!"unplannable".equals(shared.outcome()) || shared.error() == null || !shared.error().contains(c.unplannable())) {
            throw new Failed("unplannable", "expected the shared schema unplannable with '" + c.unplannable() + "', got "
                    + shared.outcome() + ": " + shared.error());
        }
        if (!SchemaDump.of(live.database, List.of(SHARED)).equals(before)) {
            throw new Failed("unplannable", "the shared change set was refused, yet the shared schema changed");
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void step(String stage, Body body) throws Failed {
        try {
            body.run();
        } catch (Failed f) {
            throw f;
        } catch (Exception e) {
            throw new Failed(stage, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** The case's SQL as a model file runs: placeholders bound, unqualified names landing in the schema. */
    static String inSchema(String sql, String schema) {
        return "SET search_path = " + schema + ", public;\n" + ModelSet.bind(sql, schema, SHARED) + ";\nRESET search_path";
    }

    private static void build(SchemaTestDb fresh, ConvergenceCase c) throws SQLException {
        CaseDbs.load(fresh, "CREATE SCHEMA " + SHARED + ";\n" + inSchema(c.sharedAfter(), SHARED)
                + ";\nCREATE SCHEMA " + PROJECT + ";\n" + inSchema(c.after(), PROJECT));
    }

    private static String scripts(Results.Proposal p) {
        StringBuilder b = new StringBuilder();
        for (Results.ChangeSet cs : p.changeSets()) {
            for (Results.StatementView s : cs.statements()) {
                b.append("  [").append(cs.kind()).append(' ').append(s.classification()).append("] ")
                        .append(s.sql().strip()).append('\n');
            }
        }
        return b.toString();
    }

    private static String difference(List<String> got, List<String> want) {
        List<String> extra = new ArrayList<>(got);
        want.forEach(extra::remove);
        List<String> missing = new ArrayList<>(want);
        got.forEach(missing::remove);
        StringBuilder b = new StringBuilder("migrated catalog differs from a fresh build of after:\n");
        missing.forEach(e -> b.append("  only in fresh build: ").append(e.replace("\n", "\n      ")).append('\n'));
        extra.forEach(e -> b.append("  only after migration: ").append(e.replace("\n", "\n      ")).append('\n'));
        return b.toString();
    }
}
