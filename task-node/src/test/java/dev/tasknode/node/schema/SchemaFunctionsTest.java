package dev.tasknode.node.schema;

import static dev.tasknode.node.schema.KindCases.T;
import static dev.tasknode.node.schema.KindCases.c;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.apply.FleetApplier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Functions, procedures and triggers: created, changed in place, re-created, dropped, converging. */
class SchemaFunctionsTest {
    static SchemaTestDb db;
    static final AtomicInteger N = new AtomicInteger();

    static final String TOUCH = """
            CREATE FUNCTION {schema}.touch() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.updated_at := now();
                RETURN NEW;
            END $$;
            """;
    static final String TRG = "CREATE TRIGGER t_touch BEFORE UPDATE ON {schema}.t FOR EACH ROW EXECUTE FUNCTION {schema}.touch();";
    static final String ADD = "CREATE FUNCTION {schema}.add(a integer, b integer) RETURNS integer LANGUAGE sql AS $$ SELECT a + b $$;";
    static final String ADD_NUM = "CREATE FUNCTION {schema}.add(a numeric, b numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT a + b $$;";
    static final String BUMP = "CREATE PROCEDURE {schema}.bump(by integer) LANGUAGE plpgsql AS $$ BEGIN UPDATE {schema}.t SET n = n + by; END $$;";
    static final String POS = "CREATE FUNCTION {schema}.pos(v integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT v > 0 $$;";
    static final String V = "CREATE VIEW {schema}.v AS SELECT id, n FROM {schema}.t;";
    static final String INS = """
            CREATE FUNCTION {schema}.v_ins() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO {schema}.t (id, n) VALUES (NEW.id, NEW.n); RETURN NEW; END $$;
            CREATE TRIGGER v_ins INSTEAD OF INSERT ON {schema}.v FOR EACH ROW EXECUTE FUNCTION {schema}.v_ins();
            """;

    static Stream<KindCases.Case> cases() {
        return Stream.of(
                c("function and updated_at trigger added", T, T + TOUCH + TRG, "safe", "new function"),
                c("absent schema with function and trigger", null, T + TOUCH + TRG, "safe", "trigger of a new table"),
                c("function body replaced", T + TOUCH, T + TOUCH.replace("now()", "clock_timestamp()"), "safe", "CREATE OR REPLACE"),
                c("volatility and strict", ADD, ADD.replace("LANGUAGE sql", "LANGUAGE sql IMMUTABLE STRICT"), "safe", "attributes replaced"),
                c("security definer and search_path", ADD,
                        ADD.replace("LANGUAGE sql", "LANGUAGE sql SECURITY DEFINER SET search_path = {schema}, pg_temp"), "safe", "attributes replaced"),
                c("search_path changed", ADD.replace("LANGUAGE sql", "LANGUAGE sql SET search_path = {schema}"),
                        ADD.replace("LANGUAGE sql", "LANGUAGE sql SET search_path = {shared}, {schema}"), "safe", "attributes replaced"),
                c("overload added", ADD, ADD + ADD_NUM, "safe", "new function"),
                c("overload dropped", ADD + ADD_NUM, ADD, "destructive", "function not in the model"),
                c("argument types changed", ADD, ADD.replace("integer", "bigint"), "safe,destructive", "new function"),
                c("return type changed", ADD, ADD.replace("RETURNS integer", "RETURNS bigint").replace("a + b", "(a + b)::bigint"),
                        "safe", "return type changed"),
                c("parameter renamed", ADD, ADD.replace("a integer, b integer", "x integer, y integer").replace("a + b", "x + y"),
                        "safe", "parameter names"),
                c("parameter default added", ADD, ADD.replace("b integer", "b integer DEFAULT 1"), "safe", "defaults changed"),
                c("SQL-standard body", T, T + "CREATE FUNCTION {schema}.dbl(x integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN x * 2;",
                        "safe", "new function"),
                c("SQL-standard body changed", "CREATE FUNCTION {schema}.dbl(x integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN x * 2;",
                        "CREATE FUNCTION {schema}.dbl(x integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN x * 3;", "safe", "CREATE OR REPLACE"),
                c("returns table over a new table", "", T + "CREATE FUNCTION {schema}.big(m integer) RETURNS TABLE (id integer, n integer)"
                        + " LANGUAGE sql STABLE AS $$ SELECT id, n FROM {schema}.t WHERE n >= m $$;", "safe", "new function"),
                c("returns setof a new table's rows", "", T + "CREATE FUNCTION {schema}.all_t() RETURNS SETOF {schema}.t"
                        + " LANGUAGE sql STABLE AS $$ SELECT * FROM {schema}.t $$;", "safe", "new table"),
                c("unqualified names in a LANGUAGE sql body", "", T + "CREATE FUNCTION {schema}.cnt() RETURNS bigint"
                        + " LANGUAGE sql STABLE AS $$ SELECT count(*) FROM t $$;", "safe", "new function"),
                c("function in a new table's default", "", "CREATE FUNCTION {schema}.code() RETURNS text LANGUAGE sql"
                        + " AS $$ SELECT 'c' || floor(random() * 1000)::text $$;"
                        + " CREATE TABLE {schema}.u (id integer PRIMARY KEY, code text DEFAULT {schema}.code());", "safe", "new function"),
                c("function dropped", T + TOUCH, T, "destructive", "function not in the model"),
                c("procedure added", T, T + BUMP, "safe", "new procedure"),
                c("procedure body changed", T + BUMP, T + BUMP.replace("n + by", "n + 2 * by"), "safe", "CREATE OR REPLACE"),
                c("function becomes a procedure", T + BUMP.replace("PROCEDURE {schema}.bump(by integer)",
                                "FUNCTION {schema}.bump(by integer) RETURNS void"), T + BUMP, "safe", "becomes a procedure"),
                c("function comment", ADD, ADD + "COMMENT ON FUNCTION {schema}.add(integer, integer) IS 'sum';", "safe", "comment"),
                c("procedure comment changed", T + BUMP + "COMMENT ON PROCEDURE {schema}.bump(integer) IS 'old';",
                        T + BUMP + "COMMENT ON PROCEDURE {schema}.bump(integer) IS 'new';", "safe", "comment"),
                c("trigger added on an existing table", T + TOUCH, T + TOUCH + TRG, "safe", "new trigger"),
                c("trigger WHEN and UPDATE OF", T + TOUCH + TRG, T + TOUCH + TRG.replace("BEFORE UPDATE ON {schema}.t FOR EACH ROW",
                        "BEFORE UPDATE OF n ON {schema}.t FOR EACH ROW WHEN (OLD.n IS DISTINCT FROM NEW.n)"), "safe", "trigger re-created"),
                c("statement trigger", T + TOUCH, T + "CREATE FUNCTION {schema}.note() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN RAISE NOTICE 'changed'; RETURN NULL; END $$;"
                        + " CREATE TRIGGER t_note AFTER INSERT OR DELETE ON {schema}.t FOR EACH STATEMENT EXECUTE FUNCTION {schema}.note();",
                        "safe,destructive", "new trigger"),
                c("trigger dropped", T + TOUCH + TRG, T + TOUCH, "destructive", "trigger not in the model"),
                c("trigger disabled", T + TOUCH + TRG, T + TOUCH + TRG + "ALTER TABLE {schema}.t DISABLE TRIGGER t_touch;",
                        "safe", "trigger state"),
                c("trigger enabled always", T + TOUCH + TRG + "ALTER TABLE {schema}.t DISABLE TRIGGER t_touch;",
                        T + TOUCH + TRG + "ALTER TABLE {schema}.t ENABLE ALWAYS TRIGGER t_touch;", "safe", "trigger state"),
                c("constraint trigger", T + TOUCH, T + TOUCH + "CREATE CONSTRAINT TRIGGER t_late AFTER INSERT OR UPDATE ON {schema}.t"
                        + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {schema}.touch();", "safe", "new trigger"),
                c("instead of trigger on a re-created view", T + V + INS, T + V.replace("id, n", "id, n, updated_at") + INS,
                        "safe", "trigger re-created"),
                c("trigger over a retyped column", T + TOUCH + TRG.replace("BEFORE UPDATE ON", "BEFORE UPDATE OF n ON"),
                        T.replace("n integer", "n bigint") + TOUCH + TRG.replace("BEFORE UPDATE ON", "BEFORE UPDATE OF n ON"),
                        "safe,locking", "trigger re-created"),
                c("trigger comment", T + TOUCH + TRG, T + TOUCH + TRG + "COMMENT ON TRIGGER t_touch ON {schema}.t IS 'keeps updated_at';",
                        "safe", "comment"),
                // through the dependency graph: what uses a re-created function is rebuilt around it
                c("view over a re-created function", T + ADD + "CREATE VIEW {schema}.sums AS SELECT id, {schema}.add(id, n) AS s FROM {schema}.t;",
                        T + ADD.replace("RETURNS integer", "RETURNS bigint").replace("a + b", "(a + b)::bigint")
                                + "CREATE VIEW {schema}.sums AS SELECT id, {schema}.add(id, n) AS s FROM {schema}.t;", "safe", "return type changed"),
                c("check over a re-created function", T + POS + "ALTER TABLE {schema}.t ADD CONSTRAINT t_n_pos CHECK ({schema}.pos(n));",
                        T + POS.replace("v integer", "x integer").replace("v > 0", "x > 0")
                                + "ALTER TABLE {schema}.t ADD CONSTRAINT t_n_pos CHECK ({schema}.pos(n));", "safe,locking", "parameter names"),
                c("SQL-standard function over a retyped column", T + "CREATE FUNCTION {schema}.total() RETURNS bigint LANGUAGE sql"
                        + " STABLE BEGIN ATOMIC SELECT sum(n) FROM {schema}.t; END;", T.replace("n integer", "n bigint")
                        + "CREATE FUNCTION {schema}.total() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT sum(n) FROM {schema}.t; END;",
                        "safe,locking", "a type or table it uses"),
                c("function over a domain, both dropped", "CREATE DOMAIN {schema}.pos_int AS integer CHECK (VALUE > 0);"
                        + "CREATE FUNCTION {schema}.twice(v {schema}.pos_int) RETURNS integer LANGUAGE sql RETURN v * 2;" + T, T,
                        "destructive", "domain not in the model"),
                c("table with its trigger dropped", T + TOUCH + TRG, TOUCH, "destructive", "table not in the model"));
    }

    @BeforeAll
    static void setUp() throws Exception {
        db = KindCases.database("tnkda_fn");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void caseConverges(KindCases.Case k) throws Exception {
        KindCases.converge(db, "f" + N.incrementAndGet(), k);
    }

    @Test
    void updatedAtTriggerWorksAfterApply() throws Exception {
        KindCases.converge(db, "touch", c("updated_at", T, T + TOUCH + TRG, "safe", "new trigger"));
        db.exec("UPDATE p_touch.t SET n = 2");
        assertEquals(1, db.count("SELECT count(*) FROM p_touch.t WHERE updated_at IS NOT NULL"));
    }

    @Test
    void triggerOnALargeTableIsLocking() throws Exception {
        db.exec("CREATE SCHEMA p_big; CREATE TABLE p_big.t (id integer PRIMARY KEY, n integer, updated_at timestamptz);"
                + "INSERT INTO p_big.t SELECT g, g FROM generate_series(1, 500) g; ANALYZE p_big.t;");
        long before = db.props.getLargeTableRows();
        db.props.setLargeTableRows(100);
        try {
            Results.ChangeSet cs = KindCases.converge(db, "big", c("big", null, T + TOUCH + TRG, "safe,locking", "blocks writes"));
            assertTrue(cs.statements().stream().anyMatch(s -> s.classification().equals("locking")
                    && s.sql().startsWith("CREATE TRIGGER")), cs.script());
        } finally {
            db.props.setLargeTableRows(before);
        }
    }

    /**
     * Several schemas whose functions name their own schema in the body and in SET search_path still share one
     * fingerprint, so one plan serves them all; after apply, each body names its own schema.
     */
    @Test
    void fleetGroupsSchemasWhoseBodiesNameTheirSchema() throws Exception {
        String model = T + """
                CREATE FUNCTION {schema}.cnt() RETURNS bigint LANGUAGE plpgsql STABLE SET search_path = {schema}, public AS $$
                BEGIN RETURN (SELECT count(*) FROM {schema}.t); END $$;
                CREATE FUNCTION {schema}.cnt_std() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM {schema}.t; END;
                """ + TOUCH + TRG;
        try (SchemaTestDb fleet = KindCases.database("tnkda_fnfleet")) {
            List<String> ids = List.of("a", "b", "c");
            for (String id : ids) {
                fleet.exec("CREATE SCHEMA p_" + id + "; " + T.replace("{schema}", "p_" + id));
            }
            SchemaTestDb.Wiring w = fleet.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, model));
            Results.Proposal p = w.reports().propose(Scope.ALL).proposal();
            assertEquals(1, p.changeSets().size(), () -> SchemaCorpusTest.json(p));
            assertEquals(List.of("p_a", "p_b", "p_c"), p.changeSets().getFirst().schemas());
            Results.ApplyReport r = w.applier().run(new SchemaTestDb.Ctx("apply_migrations", Map.of()), Scope.ALL,
                    new FleetApplier.Options("apply_migrations", false, false, false, p.fingerprint(), false));
            assertTrue(r.allMatchModel(), () -> SchemaCorpusTest.json(r));
            assertEquals(0, w.reports().propose(Scope.ALL).proposal().toChange());
            fleet.exec("INSERT INTO p_b.t (id, n) VALUES (1, 1), (2, 2)");
            assertEquals(2, fleet.count("SELECT p_b.cnt() + 0 * p_a.cnt()"));
            assertEquals(2, fleet.count("SELECT p_b.cnt_std()"));
            assertEquals(0, fleet.count("SELECT p_a.cnt_std()"));
            try (java.sql.Connection c = fleet.ds.getConnection()) {
                Map<String, String> fps = w.engine().fingerprints(c, List.of("p_a", "p_b", "p_c"));
                assertEquals(1, fps.values().stream().distinct().count(), fps::toString);
            }
        }
    }
}
