package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.online.OnlineMode;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the diff corpus applied with {@code online=always}: each statement on an existing table takes its
 * online form where it has one, and the schema must still converge (what the planner emits and the online stage
 * rewrites must fit together, for every shape the planner knows).
 */
class SchemaOnlineCorpusTest {
    static SchemaTestDb db;
    static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void setUp() throws Exception {
        db = new SchemaTestDb("tnonl_corpus");
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, ""));
        w.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of("param", "shared")), Scope.SHARED,
                new FleetApplier.Options("create_tables", false, false, false, null, true));
        db.exec("INSERT INTO shared.users VALUES (1, 'a@b'); INSERT INTO shared.orgs VALUES (1, 'o')");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static Stream<SchemaCorpusTest.Case> cases() {
        return SchemaCorpusTest.cases().filter(k -> k.before() != null && !k.before().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void caseConvergesOnline(SchemaCorpusTest.Case k) throws Exception {
        String id = "o" + N.incrementAndGet();
        String schema = "p_" + id;
        db.exec("CREATE SCHEMA " + schema + "; SET search_path = " + schema + ", public;"
                + ModelSet.bind(k.before(), schema, "shared") + "; RESET search_path");
        db.exec("DO $$ BEGIN IF to_regclass('" + schema + ".t') IS NOT NULL THEN INSERT INTO " + schema
                + ".t (id, a, n) OVERRIDING SYSTEM VALUE VALUES (1, 'a', 1); END IF; "
                + "EXCEPTION WHEN others THEN NULL; END $$");
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, k.model()));
        Scope scope = new Scope.Project(id);
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of("param", id, "allow_destructive", true,
                "online", "always"));
        Results.ApplyReport r = w.applier().run(ctx, scope,
                new FleetApplier.Options("apply_migrations", true, false, false, null, false, OnlineMode.ALWAYS));
        Results.SchemaOutcome o = r.outcomes().getFirst();
        String plan = SchemaCorpusTest.json(w.reports().propose(scope, OnlineMode.ALWAYS).proposal());
        assertEquals("applied", o.outcome(), () -> k.name() + ": " + SchemaCorpusTest.json(o) + "\n" + ctx.text());
        assertEquals(Boolean.TRUE, o.matchesModel(), () -> k.name() + ": after apply still differs:\n" + plan + "\n" + ctx.text());
        assertEquals(0, db.count("SELECT count(*) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                + "WHERE i.relnamespace = '" + schema + "'::regnamespace AND NOT x.indisvalid"), k.name());
        assertEquals(0, db.count("SELECT count(*) FROM pg_constraint WHERE connamespace = '" + schema + "'::regnamespace "
                + "AND conname LIKE 'tasknode_nn_%'"), k.name());
    }
}
