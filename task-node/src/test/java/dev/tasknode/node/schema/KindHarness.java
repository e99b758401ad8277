package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.db.ScratchDatabases;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Convergence of one object kind, the way the corpus checks it: a live "before" project schema, a model; propose
 * shows the expected classifications and a reason; apply (destructive allowed) reports the schema matching the
 * model; a second propose is empty. Each case gets its own project schema in the class's database.
 */
final class KindHarness implements AutoCloseable {
    static final String SHARED = "CREATE TABLE {schema}.users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);";
    /**
     * Roles belong to the cluster, and other runs of the same tests (other worktrees) create and drop them at the same
     * time: with one shared name, a run's DROP ROLE fails on (or waits for) the other run's grants. Each run names its own.
     */
    static final String RUN = dev.tasknode.testing.TestEndpoints.uniqueName("r").substring(2, 10);

    /** This run's name for the role {@code name} ({@code tnkdb_gr_app} becomes {@code tnkdb_gr_app_<run>}). */
    static String role(String name) {
        return name + "_" + RUN;
    }
    final SchemaTestDb db;
    private final AtomicInteger n = new AtomicInteger();
    private final List<String> roles;

    /** @param roles cluster-wide roles the cases grant to (created if absent, dropped on close) */
    KindHarness(String prefix, String... roles) throws Exception {
        this.roles = List.of(roles);
        admin(this.roles.stream().map(r -> "DO $$ BEGIN CREATE ROLE " + r + " NOLOGIN; "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$").toList());
        db = new SchemaTestDb(prefix);
        SchemaTestDb.Wiring w = db.wire(model(SHARED, ""));
        w.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of("param", "shared")), Scope.SHARED,
                new FleetApplier.Options("create_tables", false, false, false, null, true));
    }

    static ModelSet model(String shared, String project) {
        return new ModelSet(List.of(new ModelFile(ModelSet.Kind.SHARED, "shared/10.sql", "test", shared)),
                List.of(new ModelFile(ModelSet.Kind.PROJECT, "project/10.sql", "test", project)));
    }

    /** The proposal of one case, applied and re-proposed. */
    record Outcome(String id, String schema, Results.ChangeSet changeSet) {
        String script() {
            return changeSet.script();
        }
    }

    /**
     * @param before  live state (null = absent schema), run with search_path = the schema
     * @param expect  comma list of the classifications the proposal must show, exactly
     * @param reason  a fragment some statement's reason must contain
     */
    Outcome converge(String before, String model, String expect, String reason) throws Exception {
        String id = "k" + n.incrementAndGet();
        String schema = "p_" + id;
        if (before != null) {
            db.exec("CREATE SCHEMA " + schema + "; SET search_path = " + schema + ", public;"
                    + ModelSet.bind(before, schema, "shared") + "; RESET search_path");
        }
        SchemaTestDb.Wiring w = db.wire(model(SHARED, model));
        Scope scope = new Scope.Project(id);
        Results.Proposal p = w.reports().propose(scope).proposal();
        assertEquals(1, p.changeSets().size(), () -> "expected one change set: " + json(p));
        Results.ChangeSet cs = p.changeSets().getFirst();
        Set<String> got = new TreeSet<>();
        cs.statements().forEach(s -> got.add(s.classification()));
        assertEquals(new TreeSet<>(List.of(expect.split(","))), got, () -> "classifications\n" + cs.script() + json(cs.statements()));
        assertTrue(cs.statements().stream().anyMatch(s -> s.reason().contains(reason)),
                () -> "no statement with reason '" + reason + "': " + json(cs.statements()));
        apply(w, id, p.fingerprint());
        return new Outcome(id, schema, cs);
    }

    /** Applies with destructive allowed; the schema must then match the model and a new proposal be empty. */
    void apply(SchemaTestDb.Wiring w, String id, String fingerprint) throws Exception {
        Scope scope = new Scope.Project(id);
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of("param", id, "allow_destructive", true));
        Results.ApplyReport r = w.applier().run(ctx, scope,
                new FleetApplier.Options("apply_migrations", true, false, false, fingerprint, false));
        Results.SchemaOutcome o = r.outcomes().getFirst();
        assertEquals("applied", o.outcome(), () -> json(o) + "\n" + ctx.text());
        Results.Proposal again = w.reports().propose(scope).proposal();
        assertEquals(0, again.toChange(), () -> "not converged, new proposal:\n" + json(again));
        assertEquals(Boolean.TRUE, o.matchesModel(), () -> "after apply still differs: " + json(o));
    }

    /**
     * For kinds a model cannot hold on this branch yet (routines): the "after" state is built live in a second
     * schema, read by the inspector like a shadow; the plan from "before" to it is applied to "before", which must
     * then equal "after" (an empty plan).
     */
    dev.tasknode.node.schema.plan.Plan convergeRaw(String before, String after) throws Exception {
        String id = "r" + n.incrementAndGet();
        String b = "p_" + id;
        String a = "p_" + id + "_after";
        db.exec("CREATE SCHEMA " + b + "; SET search_path = " + b + ", public;" + ModelSet.bind(before, b, "shared")
                + "; CREATE SCHEMA " + a + "; SET search_path = " + a + ", public;" + ModelSet.bind(after, a, "shared")
                + "; RESET search_path");
        try (java.sql.Connection c = db.ds.getConnection()) {
            var want = dev.tasknode.node.schema.inspect.CatalogInspector.inspect(c, List.of(a), "shared", Set.of(),
                    dev.tasknode.node.schema.inspect.CatalogInspector.Detail.RENDERED).get(a);
            var cur = dev.tasknode.node.schema.inspect.CatalogInspector.inspect(c, List.of(b), "shared", Set.of()).get(b);
            var plan = dev.tasknode.node.schema.diff.Differ.plan(cur, want, 100_000);
            try (java.sql.Statement st = c.createStatement()) {
                for (var step : plan.steps()) {
                    st.execute(dev.tasknode.node.schema.plan.Plan.bind(step.sql(), b, "shared"));
                }
            }
            var again = dev.tasknode.node.schema.diff.Differ.plan(dev.tasknode.node.schema.inspect.CatalogInspector
                    .inspect(c, List.of(b), "shared", Set.of()).get(b), want, 100_000);
            assertEquals("", again.script(), () -> "not converged after\n" + plan.script());
            return plan;
        }
    }

    static String json(Object o) {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o);
    }

    @Override
    public void close() throws Exception {
        db.close();
        if (roles.isEmpty()) {
            return;
        }
        dev.tasknode.testing.TestEndpoints.awaitDatabaseDrops(); // the database's grants refer to the roles
        // after the database: nothing refers to them, except a scratch database the shadow drops in the background
        for (int attempt = 1; ; attempt++) {
            try {
                admin(roles.stream().map(r -> "DROP ROLE IF EXISTS " + r).toList());
                return;
            } catch (java.sql.SQLException e) {
                String detail = String.valueOf(e.getMessage());
                if (!"2BP01".equals(e.getSQLState()) || !detail.contains(ScratchDatabases.PREFIX) || attempt >= 360) { // up to 3 min: drops wait for checkpoints on a busy server
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static void admin(List<String> statements) throws Exception {
        dev.tasknode.testing.TestEndpoints.Postgres pg = dev.tasknode.testing.TestEndpoints.postgres();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.adminUrl(), pg.user(), pg.password());
             java.sql.Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
