package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.apply.FleetApplier;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The order the dependency graph gives, on the cases that failed with the numbered phases, and the data checks and
 * expressions that made propose fail or never converge. Each case: a live "before" state, a model; propose, apply
 * (destructive allowed), then propose again must be empty.
 */
class SchemaOrderTest {
    static SchemaTestDb db;
    static final AtomicInteger N = new AtomicInteger();
    static final String T = "CREATE TABLE {schema}.t (id integer PRIMARY KEY, a text, n integer);";

    @BeforeAll
    static void setUp() throws Exception {
        db = new SchemaTestDb("tneng_order");
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, ""));
        w.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of()), Scope.SHARED,
                new FleetApplier.Options("create_tables", false, false, false, null, true));
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    /** One migration: the before state loaded in a new schema, its proposal, and the apply report. */
    record Run(String schema, SchemaTestDb.Wiring w, Scope scope, Results.Proposal proposal, Results.ApplyReport applied,
               String log) {
        Results.SchemaOutcome outcome() {
            return applied.outcomes().getFirst();
        }

        Results.StatementView statement(String sqlPart) {
            return proposal.changeSets().getFirst().statements().stream().filter(s -> s.sql().contains(sqlPart)).findFirst()
                    .orElseThrow(() -> new AssertionError("no statement with " + sqlPart + ": " + proposal));
        }

        int position(String sqlPart) {
            return statement(sqlPart).n();
        }
    }

    static Run migrate(String before, String rows, String model) throws Exception {
        String id = "o" + N.incrementAndGet();
        String schema = "p_" + id;
        db.exec("CREATE SCHEMA " + schema + "; SET search_path = " + schema + ", public;"
                + dev.tasknode.node.schema.model.ModelSet.bind(before + rows, schema, "shared") + "; RESET search_path");
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, model));
        Scope scope = new Scope.Project(id);
        Results.Proposal p = w.reports().propose(scope).proposal();
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of("param", id, "allow_destructive", true));
        Results.ApplyReport r = w.applier().run(ctx, scope,
                new FleetApplier.Options("apply_migrations", true, false, false, p.fingerprint(), false));
        return new Run(schema, w, scope, p, r, ctx.text());
    }

    static void converged(Run r) throws Exception {
        assertEquals("applied", r.outcome().outcome(), () -> SchemaCorpusTest.json(r.outcome()) + "\n"
                + r.proposal().changeSets().getFirst().script() + r.log());
        assertEquals(Boolean.TRUE, r.outcome().matchesModel(), () -> SchemaCorpusTest.remaining(r.w(), r.scope()));
        Results.Proposal again = r.w().reports().propose(r.scope()).proposal();
        assertEquals(0, again.toChange(), () -> "a second proposal is not empty:\n" + SchemaCorpusTest.json(again));
    }

    // (a) data checks on what the plan adds

    @Test
    void aCheckOnANewColumnRunsInApplyAfterTheColumnAndProposeShowsWhy() throws Exception {
        String model = T.replace("n integer", "n integer, price numeric") + "ALTER TABLE {schema}.t ADD CONSTRAINT t_price_check CHECK (price > 0);";
        Run r = migrate(T, "INSERT INTO {schema}.t VALUES (1, 'a', 1);", model);
        Results.StatementView check = r.statement("ADD CONSTRAINT \"t_price_check\"");
        assertNotNull(check.checkRuns(), () -> SchemaCorpusTest.json(check));
        assertTrue(check.checkRuns().contains("column t.price"), check.checkRuns());
        assertTrue(r.proposal().changeSets().getFirst().findings().isEmpty());
        converged(r);
    }

    @Test
    void aCheckOnANewColumnThatFindsRowsFailsTheSchemaNamingTableConstraintAndQuery() throws Exception {
        String model = T.replace("n integer", "n integer, price numeric DEFAULT -1")
                + "ALTER TABLE {schema}.t ADD CONSTRAINT t_price_check CHECK (price > 0);";
        Run r = migrate(T, "INSERT INTO {schema}.t VALUES (1, 'a', 1);", model);
        assertEquals("failed", r.outcome().outcome());
        String e = r.outcome().error();
        assertTrue(e.contains("data check failed, nothing applied") && e.contains("schema " + r.schema())
                && e.contains("table t") && e.contains("t_price_check") && e.contains("1 rows violating the check")
                && e.contains("SELECT count(*) FROM \"" + r.schema() + "\".\"t\" WHERE NOT"), e);
        assertEquals(0, db.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = '" + r.schema()
                + "' AND column_name = 'price'"), "rolled back");
    }

    @Test
    void aNewUniqueKeyAndANewPrimaryKeyOnNewColumnsArePlannedAndChecked() throws Exception {
        String before = "CREATE TABLE {schema}.t (a text);";
        String model = "CREATE TABLE {schema}.t (a text, id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, code text UNIQUE);";
        Run r = migrate(before, "INSERT INTO {schema}.t VALUES ('x'), ('y');", model);
        assertNotNull(r.statement("ADD CONSTRAINT \"t_pkey\"").checkRuns());
        assertNotNull(r.statement("ADD CONSTRAINT \"t_code_key\"").checkRuns());
        converged(r);

        Run dup = migrate(before, "INSERT INTO {schema}.t VALUES ('x'), ('y');",
                model.replace("code text UNIQUE", "code text DEFAULT 'same' UNIQUE"));
        assertEquals("failed", dup.outcome().outcome());
        assertTrue(dup.outcome().error().contains("t_code_key") && dup.outcome().error().contains("1 duplicate key groups"),
                dup.outcome().error());
    }

    // (b) expressions PostgreSQL rewords when it stores them again

    @Test
    void anInListOnVarcharConvergesInChecksDefaultsIndexPredicatesAndViews() throws Exception {
        String model = "CREATE TABLE {schema}.t (id integer PRIMARY KEY, status varchar(10) CHECK (status IN ('a', 'b')),"
                + " ok boolean DEFAULT ('a'::varchar IN ('a', 'b')));"
                + "CREATE INDEX t_status_idx ON {schema}.t (status) WHERE status IN ('a', 'b');"
                + "CREATE VIEW {schema}.v AS SELECT id FROM {schema}.t WHERE status IN ('a', 'b');";
        converged(migrate("", "", model));
        // a schema built from the model's own text (stored once) matches as well
        Run same = migrate(model, "", model);
        assertEquals(0, same.proposal().toChange(), () -> SchemaCorpusTest.json(same.proposal()));
    }

    // (c), (d) keys and the foreign keys that use them

    @Test
    void aForeignKeyIsAddedAfterTheUniqueIndexItReferences() throws Exception {
        String before = T + "CREATE TABLE {schema}.c (id int PRIMARY KEY, t_a text);";
        String model = T + "CREATE UNIQUE INDEX t_a_uq ON {schema}.t (a);"
                + "CREATE TABLE {schema}.c (id int PRIMARY KEY, t_a text REFERENCES {schema}.t (a));";
        Run r = migrate(before, "", model);
        assertTrue(r.position("CREATE UNIQUE INDEX t_a_uq") < r.position("FOREIGN KEY"));
        converged(r);
    }

    @Test
    void aReplacedKeyDropsAndReAddsTheForeignKeysThatUseIt() throws Exception {
        String before = "CREATE TABLE {schema}.t (id integer, k integer, code text CONSTRAINT t_code_key UNIQUE, PRIMARY KEY (id, k));"
                + "CREATE TABLE {schema}.c (id int PRIMARY KEY, t_id int, t_k int, t_code text REFERENCES {schema}.t (code),"
                + " CONSTRAINT c_t_fkey FOREIGN KEY (t_id, t_k) REFERENCES {schema}.t (id, k));";
        String model = "CREATE TABLE {schema}.t (id integer, k integer, code text, PRIMARY KEY (k, id));"
                + "CREATE UNIQUE INDEX t_code_uq ON {schema}.t (code);"
                + before.substring(before.indexOf("CREATE TABLE {schema}.c"));
        Run r = migrate(before, "INSERT INTO {schema}.t VALUES (1, 2, 'x'); INSERT INTO {schema}.c VALUES (1, 1, 2, 'x');", model);
        String script = r.proposal().changeSets().getFirst().script();
        assertTrue(r.position("DROP CONSTRAINT \"c_t_fkey\"") < r.position("DROP CONSTRAINT \"t_pkey\""), script);
        assertTrue(r.position("ADD CONSTRAINT \"c_t_fkey\"") > r.position("ADD CONSTRAINT \"t_pkey\""), script);
        assertTrue(r.position("DROP CONSTRAINT \"c_t_code_fkey\"") < r.position("DROP CONSTRAINT \"t_code_key\""), script);
        assertTrue(r.position("ADD CONSTRAINT \"c_t_code_fkey\"") > r.position("CREATE UNIQUE INDEX t_code_uq"), script);
        converged(r);
        assertEquals(2, db.count("SELECT count(*) FROM pg_constraint WHERE conrelid = '" + r.schema() + ".c'::regclass AND contype = 'f'"));
    }

    // dependents of a re-created enum and of a changed column

    @Test
    void anEnumReCreationCarriesTheViewsChecksAndDefaultsThatUseIt() throws Exception {
        String before = "CREATE TYPE {schema}.mood AS ENUM ('a', 'b', 'c');"
                + "CREATE TABLE {schema}.t (id int PRIMARY KEY, m {schema}.mood DEFAULT 'b', CONSTRAINT t_m_check CHECK (m <> 'c'));"
                + "CREATE VIEW {schema}.v AS SELECT id, m FROM {schema}.t WHERE m <> 'a';";
        String model = before.replace("('a', 'b', 'c')", "('c', 'b', 'a')");
        Run r = migrate(before, "INSERT INTO {schema}.t VALUES (1, 'b');", model);
        String script = r.proposal().changeSets().getFirst().script();
        assertTrue(r.position("DROP VIEW") < r.position("RENAME TO"), script);
        assertTrue(r.position("CREATE VIEW") > r.position("DROP TYPE"), script);
        assertTrue(r.position("DROP CONSTRAINT \"t_m_check\"") < r.position("RENAME TO"), script);
        converged(r);
        assertEquals(1, db.count("SELECT count(*) FROM " + r.schema() + ".v"));
    }

    @Test
    void anEnumReCreationLeavesTheTablesAndColumnsThePlanDrops() throws Exception {
        String before = "CREATE TYPE {schema}.mood AS ENUM ('a', 'b', 'c');"
                + "CREATE TABLE {schema}.t (id int PRIMARY KEY, m {schema}.mood, old {schema}.mood);"
                + "CREATE TABLE {schema}.gone (m {schema}.mood);";
        String model = "CREATE TYPE {schema}.mood AS ENUM ('a', 'c');CREATE TABLE {schema}.t (id int PRIMARY KEY, m {schema}.mood);";
        converged(migrate(before, "INSERT INTO {schema}.t VALUES (1, 'a', 'b'); INSERT INTO {schema}.gone VALUES ('b');", model));
    }

    @Test
    void anEnumReCreationRebuildsAnIndexWhosePredicateNamesIt() throws Exception {
        String before = "CREATE TYPE {schema}.mood AS ENUM ('a', 'b', 'c');"
                + "CREATE TABLE {schema}.t (id int PRIMARY KEY, m {schema}.mood);"
                + "CREATE INDEX t_m_idx ON {schema}.t (id) WHERE m = 'a';";
        Run r = migrate(before, "INSERT INTO {schema}.t VALUES (1, 'a');", before.replace("('a', 'b', 'c')", "('a', 'c')"));
        assertTrue(r.position("DROP INDEX") < r.position("RENAME TO"));
        assertTrue(r.position("CREATE INDEX t_m_idx") > r.position("DROP TYPE"));
        converged(r);
    }

    @Test
    void notValidAndNoInheritChecksConvergeOnNewAndExistingTables() throws Exception {
        String checks = "ALTER TABLE {schema}.t ADD CONSTRAINT t_n_pos CHECK (n > 0) NOT VALID;"
                + "ALTER TABLE {schema}.t ADD CONSTRAINT t_a_len CHECK (length(a) < 10) NO INHERIT;";
        converged(migrate("", "", T + checks));
        Run r = migrate(T, "INSERT INTO {schema}.t VALUES (1, 'a', -1);", T + checks);
        converged(r);
        assertEquals(1, db.count("SELECT count(*) FROM pg_constraint WHERE conname = 't_n_pos' AND NOT convalidated"
                + " AND connamespace = '" + r.schema() + "'::regnamespace"));
    }

    @Test
    void viewsOverADroppedAndReAddedColumnAreDroppedBeforeAndCreatedAfter() throws Exception {
        String before = T.replace("n integer", "n integer, n2 integer GENERATED ALWAYS AS (n * 2) STORED")
                + "CREATE VIEW {schema}.v AS SELECT id, n2 FROM {schema}.t; CREATE VIEW {schema}.w AS SELECT * FROM {schema}.v;";
        String model = before.replace("n * 2", "n * 3");
        Run r = migrate(before, "INSERT INTO {schema}.t (id, a, n) VALUES (1, 'a', 2);", model);
        assertTrue(r.position("DROP VIEW {schema}.\"w\"") < r.position("DROP VIEW {schema}.\"v\""));
        assertTrue(r.position("DROP VIEW {schema}.\"v\"") < r.position("DROP COLUMN"));
        assertTrue(r.position("CREATE VIEW {schema}.\"w\"") > r.position("CREATE VIEW {schema}.\"v\""));
        converged(r);
        assertEquals(6, db.count("SELECT n2 FROM " + r.schema() + ".w"));
    }

    // storage: UNLOGGED and WITH (...)

    @Test
    void unloggedRelationsAndStorageOptionsConvergeBothWays() throws Exception {
        String plain = T + "CREATE SEQUENCE {schema}.s; CREATE VIEW {schema}.v AS SELECT id, n FROM {schema}.t WHERE n > 0;";
        String stored = "CREATE UNLOGGED TABLE {schema}.t (id integer PRIMARY KEY, a text, n integer) WITH (fillfactor = 70);"
                + "CREATE UNLOGGED SEQUENCE {schema}.s;"
                + "CREATE VIEW {schema}.v WITH (security_barrier = true) AS SELECT id, n FROM {schema}.t WHERE n > 0 WITH LOCAL CHECK OPTION;";
        Run up = migrate(plain, "INSERT INTO {schema}.t VALUES (1, 'a', 1);", stored);
        converged(up);
        assertEquals(2, db.count("SELECT count(*) FROM pg_class WHERE relnamespace = '" + up.schema()
                + "'::regnamespace AND relname IN ('t', 's') AND relpersistence = 'u'"));
        assertEquals(1, db.count("SELECT count(*) FROM pg_class WHERE oid = '" + up.schema() + ".v'::regclass"
                + " AND reloptions @> '{check_option=local,security_barrier=true}'"));
        converged(migrate(stored, "", plain));
        converged(migrate("", "", stored));
    }

    @Test
    void identityOptionsAreCreatedAndChanged() throws Exception {
        String opts = T.replace("id integer PRIMARY KEY", "id integer GENERATED BY DEFAULT AS IDENTITY (START WITH 1000 INCREMENT BY 10) PRIMARY KEY");
        Run fresh = migrate("", "", opts);
        converged(fresh);
        db.exec("INSERT INTO " + fresh.schema() + ".t (a) VALUES ('x')");
        assertEquals(1000, db.count("SELECT max(id) FROM " + fresh.schema() + ".t"));
        converged(migrate(T.replace("id integer PRIMARY KEY", "id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"), "", opts));
        converged(migrate(opts, "", T.replace("id integer PRIMARY KEY", "id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")));
    }

    // serial to identity

    @Test
    void serialToIdentityNamesTheSequenceAsAFreshBuildDoes() throws Exception {
        String model = T.replace("id integer PRIMARY KEY", "id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
        Run r = migrate(T.replace("id integer PRIMARY KEY", "id serial PRIMARY KEY"),
                "INSERT INTO {schema}.t (a) VALUES ('x'), ('y');", model);
        converged(r);
        String seq = "SELECT pg_get_serial_sequence('" + r.schema() + ".t', 'id') = '" + r.schema() + ".t_id_seq'";
        assertEquals(1, db.count("SELECT count(*) WHERE (" + seq + ")"), "identity sequence name");
        // the identity goes on from the serial's values
        db.exec("INSERT INTO " + r.schema() + ".t (a) VALUES ('z')");
        assertEquals(3, db.count("SELECT max(id) FROM " + r.schema() + ".t"));
    }
}
