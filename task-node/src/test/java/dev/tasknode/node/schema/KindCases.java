package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.model.SqlScript;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Convergence cases for the object kinds beyond tables (functions, triggers, domains, composite types,
 * collations): load "before" into a project schema, use "after" as the model, propose (expected classifications
 * and one reason), apply with destructive allowed, then the schema matches the model and a new propose is empty.
 */
final class KindCases {
    private KindCases() {}

    static final String T = "CREATE TABLE {schema}.t (id integer PRIMARY KEY, n integer, updated_at timestamptz);";

    /** @param expect the set of classifications the proposal must show (exactly); null before = absent schema */
    record Case(String name, String before, String model, Set<String> expect, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, String before, String model, String expect, String reason) {
        return new Case(name, before, model, new TreeSet<>(List.of(expect.split(","))), reason);
    }

    /** Runs one case in the new project schema {@code p_<id>}; returns the change set that was applied. */
    static Results.ChangeSet converge(SchemaTestDb db, String id, Case k) throws Exception {
        String schema = "p_" + id;
        if (k.before() != null) {
            db.exec("CREATE SCHEMA " + schema);
            // one statement at a time (names qualified): the JDBC driver splits a multi-statement string inside
            // BEGIN ATOMIC bodies
            for (SqlScript.Statement s : SqlScript.split(ModelSet.bind(k.before(), schema, "shared"))) {
                db.exec(s.sql());
            }
            db.exec("DO $$ BEGIN IF to_regclass('" + schema + ".t') IS NOT NULL THEN INSERT INTO " + schema
                    + ".t (id, n) VALUES (1, 1); END IF; EXCEPTION WHEN others THEN NULL; END $$");
        }
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, k.model()));
        Scope scope = new Scope.Project(id);
        Results.Proposal p = w.reports().propose(scope).proposal();
        assertEquals(1, p.changeSets().size(), () -> k.name() + ": expected one change set: " + SchemaCorpusTest.json(p));
        Results.ChangeSet cs = p.changeSets().getFirst();
        Set<String> got = new TreeSet<>();
        cs.statements().forEach(s -> got.add(s.classification()));
        assertEquals(k.expect(), got, () -> k.name() + ": classifications\n" + cs.script()
                + SchemaCorpusTest.json(cs.statements()));
        assertTrue(cs.statements().stream().anyMatch(s -> s.reason().contains(k.reason())),
                () -> k.name() + ": no statement with reason '" + k.reason() + "': " + SchemaCorpusTest.json(cs.statements()));
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of("param", id, "allow_destructive", true));
        Results.ApplyReport r = w.applier().run(ctx, scope,
                new FleetApplier.Options("apply_migrations", true, false, false, p.fingerprint(), false));
        Results.SchemaOutcome o = r.outcomes().getFirst();
        assertEquals("applied", o.outcome(), () -> k.name() + ": " + SchemaCorpusTest.json(o) + "\n" + cs.script()
                + "\n" + ctx.text());
        assertEquals(Boolean.TRUE, o.matchesModel(), () -> k.name() + ": after apply still differs:\n" + cs.script()
                + "\nremaining: " + SchemaCorpusTest.remaining(w, scope));
        Results.Proposal again = w.reports().propose(scope).proposal();
        assertEquals(0, again.toChange(), () -> k.name() + ": invariant broken, new proposal:\n" + SchemaCorpusTest.json(again));
        return cs;
    }

    /** Creates the shared schema of {@link SchemaCorpusTest#SHARED} in a fresh test database. */
    static SchemaTestDb database(String prefix) throws Exception {
        SchemaTestDb db = new SchemaTestDb(prefix);
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, ""));
        w.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of("param", "shared")), Scope.SHARED,
                new FleetApplier.Options("create_tables", false, false, false, null, true));
        return db;
    }
}
