package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.online.OnlineMode;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.validate.PlanValidator;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plan validation before live: each distinct change set runs on a scratch copy of its state first; a set that fails
 * there or does not reach the model is reported unplannable and none of its schemas is touched, the others go on.
 */
class SchemaPlanValidationTest {
    static SchemaTestDb db;
    static final String BEFORE = """
            CREATE TABLE {schema}.t (id integer PRIMARY KEY, x integer NOT NULL, owner bigint REFERENCES {shared}.users (id));
            """;
    static final String AFTER = """
            CREATE TABLE {schema}.t (id integer PRIMARY KEY, x bigint NOT NULL, owner bigint REFERENCES {shared}.users (id),
                                     note text);
            """;

    static final FleetApplier.Options OPTIONS = new FleetApplier.Options("apply_migrations", false, false, false, null, false);

    @BeforeAll
    static void setUp() throws Exception {
        db = new SchemaTestDb("tnmod_validate");
        db.props.setProjectIdsQuery("SELECT unnest(ARRAY['1', '2', '3'])");
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, BEFORE));
        Results.ApplyReport r = apply(w, Scope.ALL, true);
        assertEquals(0, r.failed(), () -> SchemaCorpusTest.json(r));
        // p_1: a rule (a kind nobody manages) reads x, so x cannot change type: it fails on the copy as it would live.
        // p_3 already has the new column, so p_1, p_2 and p_3 are three distinct change sets.
        db.exec("CREATE TABLE p_1.big (x int); "
                + "CREATE RULE watch AS ON INSERT TO p_1.t WHERE NEW.x > 100 DO ALSO INSERT INTO p_1.big VALUES (NEW.x)");
        db.exec("ALTER TABLE p_2.t ADD COLUMN spare int; ALTER TABLE p_3.t ADD COLUMN note text");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static Results.ApplyReport apply(SchemaTestDb.Wiring w, Scope scope, boolean onlyCreates) throws Exception {
        String task = onlyCreates ? "create_tables" : "apply_migrations";
        return w.applier().run(new SchemaTestDb.Ctx(task, Map.of()), scope,
                new FleetApplier.Options(task, false, false, false, null, onlyCreates));
    }

    @Test
    void anUnplannableChangeSetLeavesItsSchemasAloneAndTheOthersGoOn() throws Exception {
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, AFTER));
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of());
        Results.ApplyReport r = w.applier().run(ctx, Scope.ALL,
                new FleetApplier.Options("apply_migrations", false, false, false, null, false));
        String log = ctx.lines.stream().filter(l -> l.contains("plan validation:")).findFirst().orElse("");
        System.out.println("validation timing: " + log);
        assertTrue(log.contains("3 change set(s) run on a scratch copy") && log.contains("1 unplannable"), ctx.text());
        // p_1's rule is not in its catalog: the copy comes from pg_dump, which carries it
        assertTrue(ctx.text().contains("copied with pg_dump") && ctx.text().contains("rule watch on p_1.t"), ctx.text());
        Map<String, Results.SchemaOutcome> by = r.outcomes().stream()
                .collect(Collectors.toMap(Results.SchemaOutcome::schema, o -> o));
        Results.SchemaOutcome p1 = by.get("p_1");
        assertEquals("unplannable", p1.outcome(), () -> SchemaCorpusTest.json(r));
        assertTrue(p1.error().contains("fails on a scratch copy of p_1") && p1.error().contains("rule"), p1.error());
        assertEquals("integer", db.exec1("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = 'p_1.t'::regclass AND attname = 'x'"), "p_1 untouched");
        assertEquals(0, db.count("SELECT count(*) FROM pg_attribute WHERE attrelid = 'p_1.t'::regclass AND attname = 'note'"),
                "no statement of the group ran live");
        assertEquals("applied", by.get("p_2").outcome(), () -> SchemaCorpusTest.json(r));
        assertEquals("applied", by.get("p_3").outcome(), () -> SchemaCorpusTest.json(r));
        assertEquals(Boolean.TRUE, by.get("p_3").matchesModel());
        assertEquals(1, r.failed());
        assertTrue(r.changed() >= 2);
        assertEquals(0, db.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tn\\_%'"), "no scratch schema live");
        assertEquals("unplannable", db.exec1("SELECT outcome FROM tasknode.schema_history WHERE schema_name = 'p_1' "
                + "ORDER BY id DESC LIMIT 1"), "recorded");
        Results.Status st = w.reports().status(new Scope.Project("1"));
        assertEquals("failed", st.schemaStates().getFirst().state(), "schema_status shows the failure");
    }

    @Test
    void aChangeSetThatMissesTheModelIsUnplannableWithTheRemainingDifference() throws Exception {
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, BEFORE + "CREATE INDEX t_x ON {schema}.t (x);\n"));
        SchemaEngine.FleetPlan fp;
        try (Connection c = db.ds.getConnection()) {
            fp = w.engine().plan(c, List.of("p_2"), false);
        }
        SchemaEngine.Group g = fp.groups().getFirst();
        assertTrue(g.plan().script().contains("t_x"), g.plan().script());
        PlanValidator v = new PlanValidator(w.engine());
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of());
        // the real plan reaches the model (p_2's extra column is destructive and left out, which is expected)
        assertEquals(Map.of(), v.unplannable(ctx, List.of("p_2"), Map.of("p_2", g), OPTIONS));
        // p_2 and the shared schema hold only what their catalogs describe: the copy is built from them, no pg_dump
        assertTrue(ctx.text().contains("scratch copy for validating 1 change set(s): built from the catalogs"), ctx.text());
        // a wrong plan: creates an index of another name and forgets nothing else
        SchemaEngine.Group wrong = new SchemaEngine.Group(g.kind(), g.fingerprint(), g.sample(), g.schemas(), new Plan(List.of(
                Step.safe(0, "CREATE INDEX t_other ON {schema}.t (x)", "index t_other", "test", true))));
        Map<String, String> out = v.unplannable(ctx, List.of("p_2"), Map.of("p_2", wrong), OPTIONS);
        String why = out.get("p_2");
        assertTrue(why != null && why.contains("still differs from the model") && why.contains("t_x")
                && why.contains("t_other"), String.valueOf(why));
        assertFalse(ctx.text().contains("pg_dump"), ctx.text());
        assertNull(db.exec1("SELECT to_regclass('p_2.t_other')::text"), "validation never touches the live schema");
        // switched off deliberately: nothing validated, and the log says so
        db.props.setValidatePlans(false);
        try {
            SchemaTestDb.Ctx off = new SchemaTestDb.Ctx("apply_migrations", Map.of());
            assertEquals(Map.of(), v.unplannable(off, List.of("p_2"), Map.of("p_2", wrong), OPTIONS));
            assertTrue(off.text().contains("plan validation is off"), off.text());
        } finally {
            db.props.setValidatePlans(true);
        }
    }

    /**
     * What validation runs is what apply runs: with online forms chosen, the transaction's statements and then the
     * online steps (a concurrent index build after the commit) run on the copy too, in that order, and are logged;
     * with the plain forms nothing more runs.
     */
    @Test
    void theOnlineFormsApplyRunsAreValidatedToo() throws Exception {
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, BEFORE + "CREATE INDEX t_x ON {schema}.t (x);\n"));
        SchemaEngine.FleetPlan fp;
        try (Connection c = db.ds.getConnection()) {
            fp = w.engine().plan(c, List.of("p_2"), false);
        }
        SchemaEngine.Group g = fp.groups().getFirst();
        PlanValidator v = new PlanValidator(w.engine());
        FleetApplier.Options online = new FleetApplier.Options("apply_migrations", false, false, false, null, false,
                OnlineMode.ALWAYS);
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of());
        assertEquals(Map.of(), v.unplannable(ctx, List.of("p_2"), Map.of("p_2", g), online));
        assertTrue(ctx.text().contains("ran the online forms apply runs too: p_2 ("), ctx.text());
        // the index built under another name and renamed: online, the build runs after the commit, so the online stage
        // must take the rename along (it does); validation runs that order and finds it sound, as create_tables compares
        // (what is created: the other tests of this class leave p_2 with columns of its own)
        FleetApplier.Options creates = new FleetApplier.Options("create_tables", false, false, false, null, true);
        FleetApplier.Options createsOnline = new FleetApplier.Options("create_tables", false, false, false, null, true,
                OnlineMode.ALWAYS);
        SchemaEngine.Group renamed = new SchemaEngine.Group(g.kind(), g.fingerprint(), g.sample(), g.schemas(), new Plan(List.of(
                Step.safe(0, "CREATE INDEX t_tmp ON {schema}.t USING btree (x)", "index t_tmp", "test", false),
                Step.safe(1, "ALTER INDEX {schema}.t_tmp RENAME TO t_x", "index t_x", "test", false))));
        SchemaTestDb.Ctx plain = new SchemaTestDb.Ctx("create_tables", Map.of());
        assertEquals(Map.of(), v.unplannable(plain, List.of("p_2"), Map.of("p_2", renamed), creates));
        assertFalse(plain.text().contains("online forms"), plain.text());
        SchemaTestDb.Ctx forms = new SchemaTestDb.Ctx("create_tables", Map.of());
        assertEquals(Map.of(), v.unplannable(forms, List.of("p_2"), Map.of("p_2", renamed), createsOnline));
        assertTrue(forms.text().contains("ran the online forms apply runs too: p_2 ("), forms.text());
        assertNull(db.exec1("SELECT to_regclass('p_2.t_x')::text"), "validation never touches the live schema");
    }
}
