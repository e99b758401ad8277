package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.apply.FleetApplier;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * create_tables plans from object names only (the catalogs of complete schemas are not read) and runs each schema's
 * statements as one batch. Proves it still creates exactly what is missing, never alters what exists, and that a
 * statement failing inside a batch is named in the outcome with the server's error, nothing applied.
 */
class SchemaCreateTablesTest {
    static SchemaTestDb db;
    static final String MODEL = """
            CREATE TABLE {schema}.t (id integer PRIMARY KEY, a text DEFAULT 'x');
            CREATE TABLE {schema}.u (id integer PRIMARY KEY, t_id integer REFERENCES {schema}.t (id),
                                     owner bigint REFERENCES {shared}.users (id));
            CREATE INDEX u_t_idx ON {schema}.u (t_id);
            CREATE VIEW {schema}.v AS SELECT u.id, t.a FROM {schema}.u JOIN {schema}.t ON t.id = u.t_id;
            """;

    @BeforeAll
    static void setUp() throws Exception {
        db = new SchemaTestDb("schema_create");
        db.props.setProjectIdsQuery("SELECT unnest(ARRAY['full', 'edited', 'partial', 'fresh'])");
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, MODEL));
        create(w, Scope.SHARED);
        db.exec("INSERT INTO shared.users VALUES (1, 'a@b')");
        create(w, new Scope.Project("full"));
        create(w, new Scope.Project("edited"));
        // complete by name, different in content: create_tables must leave it as it is
        db.exec("ALTER TABLE p_edited.t ALTER COLUMN a SET DEFAULT 'edited'");
        // one table of three objects, with a column the model does not have
        db.exec("CREATE SCHEMA p_partial; CREATE TABLE p_partial.t (id integer PRIMARY KEY, a text DEFAULT 'x', extra int)");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static Results.ApplyReport create(SchemaTestDb.Wiring w, Scope scope) throws Exception {
        Results.ApplyReport r = w.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of()), scope,
                new FleetApplier.Options("create_tables", false, false, false, null, true));
        assertEquals(0, r.failed(), () -> SchemaCorpusTest.json(r));
        return r;
    }

    @Test
    void createsWhatIsMissingByNameAndNeverAlters() throws Exception {
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, MODEL));
        Results.ApplyReport r = create(w, Scope.ALL);
        Map<String, Results.SchemaOutcome> by = r.outcomes().stream()
                .collect(Collectors.toMap(Results.SchemaOutcome::schema, o -> o));
        assertEquals("unchanged", by.get("p_full").outcome());
        assertNull(by.get("p_full").fingerprintBefore(), "a complete schema's catalog is not read");
        assertEquals("unchanged", by.get("p_edited").outcome());
        assertEquals("applied", by.get("p_partial").outcome());
        assertEquals("applied", by.get("p_fresh").outcome());
        assertEquals(Boolean.TRUE, by.get("p_fresh").matchesModel());

        assertEquals(1, db.count("SELECT count(*) FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid "
                + "WHERE c.oid = 'p_edited.t'::regclass AND pg_get_expr(d.adbin, d.adrelid) LIKE '%edited%'"), "not altered");
        assertEquals(1, db.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'p_partial' "
                + "AND table_name = 't' AND column_name = 'extra'"), "existing table not altered");
        for (String rel : new String[] {"u", "v", "u_t_idx"}) {
            assertEquals(1, db.count("SELECT count(*) FROM pg_class WHERE oid = to_regclass('p_partial." + rel + "')"), rel);
        }
        assertEquals(2, db.count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'p_partial.u'::regclass AND contype = 'f'"));
        assertEquals(0, w.reports().propose(new Scope.Project("fresh")).proposal().toChange(), "the invariant");
        assertEquals(0, create(w, Scope.ALL).changed(), "idempotent");
    }

    @Test
    void aStatementFailingInTheBatchIsNamedAndNothingIsApplied() throws Exception {
        String v1 = "CREATE TABLE {schema}.b (id integer PRIMARY KEY, n text);";
        String v2 = "CREATE TABLE {schema}.b (id integer PRIMARY KEY, n integer, m text);";
        SchemaTestDb.Wiring w1 = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, v1));
        create(w1, new Scope.Project("bad"));
        create(w1, new Scope.Project("good"));
        db.exec("INSERT INTO p_bad.b VALUES (1, 'abc'); INSERT INTO p_good.b VALUES (1, '12')");
        SchemaTestDb.Wiring w2 = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, v2));
        Results.ApplyReport r = w2.applier().run(new SchemaTestDb.Ctx("apply_migrations", Map.of()),
                new Scope.Project("bad"), new FleetApplier.Options("apply_migrations", false, false, false, null, false));
        Results.SchemaOutcome bad = r.outcomes().getFirst();
        assertEquals("failed", bad.outcome(), () -> SchemaCorpusTest.json(r));
        assertTrue(bad.error().contains("at: ALTER TABLE \"p_bad\".\"b\" ALTER COLUMN \"n\" TYPE integer"),
                bad.error());
        assertTrue(bad.error().contains("invalid input syntax for type integer"), bad.error());
        assertEquals(0, db.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'p_bad' "
                + "AND column_name = 'm'"), "all or nothing: the column added before the failure is rolled back");
        assertEquals(1, db.count("SELECT count(*) FROM tasknode.schema_history WHERE schema_name = 'p_bad' AND outcome = 'failed'"));

        Results.ApplyReport good = w2.applier().run(new SchemaTestDb.Ctx("apply_migrations", Map.of()),
                new Scope.Project("good"), new FleetApplier.Options("apply_migrations", false, false, false, null, false));
        assertEquals("applied", good.outcomes().getFirst().outcome(), () -> SchemaCorpusTest.json(good));
        assertEquals(Boolean.TRUE, good.outcomes().getFirst().matchesModel());
        assertEquals(12, db.count("SELECT n FROM p_good.b"));
    }
}
