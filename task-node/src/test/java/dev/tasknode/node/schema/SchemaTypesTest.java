package dev.tasknode.node.schema;

import static dev.tasknode.node.schema.KindCases.T;
import static dev.tasknode.node.schema.KindCases.c;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

/** Domains, composite types and collations: created, changed in place, re-created, dropped, converging. */
class SchemaTypesTest {
    static SchemaTestDb db;
    static final AtomicInteger N = new AtomicInteger();

    static final String EMAIL = "CREATE DOMAIN {schema}.email AS text CONSTRAINT email_at CHECK (VALUE ~ '@');";
    static final String TE = "CREATE TABLE {schema}.t (id integer PRIMARY KEY, n integer, updated_at timestamptz, e {schema}.email);";
    static final String PAIR = "CREATE TYPE {schema}.pair AS (a integer, b text);";
    static final String CI = "CREATE COLLATION {schema}.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);";

    static Stream<KindCases.Case> cases() {
        return Stream.of(
                c("domain added with a column of it", T, EMAIL + TE, "safe", "new domain"),
                c("domain default", EMAIL + TE, EMAIL.replace(" CONSTRAINT", " DEFAULT 'x@y' CONSTRAINT") + TE, "safe", "domain default"),
                c("domain set not null", EMAIL + T, EMAIL.replace(" CONSTRAINT", " NOT NULL CONSTRAINT") + T, "locking", "NULLs"),
                c("domain drop not null", EMAIL.replace(" CONSTRAINT", " NOT NULL CONSTRAINT") + T, EMAIL + T, "safe", "nullable"),
                c("domain check added", EMAIL + TE, EMAIL.replace(";", " CONSTRAINT email_len CHECK (length(VALUE) < 200);") + TE,
                        "locking", "validates every column"),
                c("domain check changed", EMAIL + TE, EMAIL.replace("'@'", "'.+@.+'") + TE, "safe,locking", "re-added"),
                c("domain check dropped", EMAIL + TE, EMAIL.replace(" CONSTRAINT email_at CHECK (VALUE ~ '@')", "") + TE,
                        "destructive", "domain constraint not in the model"),
                c("domain base type changed", EMAIL.replace("AS text", "AS varchar(20)") + TE, EMAIL + TE, "destructive", "base type"),
                c("domain dropped", EMAIL + T, T, "destructive", "domain not in the model"),
                c("domain over an enum dropped with it", "CREATE TYPE {schema}.st AS ENUM ('a', 'b');"
                        + "CREATE DOMAIN {schema}.st_d AS {schema}.st NOT NULL;" + T, T, "destructive", "domain not in the model"),
                c("domain comment", EMAIL + TE, EMAIL + TE + "COMMENT ON DOMAIN {schema}.email IS 'an address';", "safe", "comment"),
                c("domain constraint comment", EMAIL + TE, EMAIL + TE + "COMMENT ON CONSTRAINT email_at ON DOMAIN {schema}.email IS 'has @';",
                        "safe", "comment"),
                c("composite type added", T, PAIR + T.replace("n integer", "n integer, p {schema}.pair"), "safe", "new composite type"),
                c("composite used by a function", T, PAIR + T + "CREATE FUNCTION {schema}.sum(p {schema}.pair) RETURNS integer"
                        + " LANGUAGE sql IMMUTABLE RETURN p.a + length(p.b);", "safe", "new function"),
                c("attribute added", PAIR + T, PAIR.replace("b text", "b text, c boolean") + T, "safe", "new attribute"),
                c("attribute dropped", PAIR + T, PAIR.replace(", b text", "") + T, "destructive", "attribute not in the model"),
                c("attribute type changed", PAIR + T, PAIR.replace("a integer", "a bigint") + T, "destructive", "attribute type changed"),
                c("attributes reordered", PAIR + T, "CREATE TYPE {schema}.pair AS (b text, a integer);" + T, "destructive", "reordered"),
                c("attribute retyped while a column holds it", PAIR + T.replace("n integer", "n integer, p {schema}.pair"),
                        PAIR.replace("a integer", "a bigint") + T.replace("n integer", "n integer, p {schema}.pair"), "destructive",
                        "re-created"),
                c("attributes reordered while a column holds them", PAIR + T.replace("n integer", "n integer, p {schema}.pair"),
                        "CREATE TYPE {schema}.pair AS (b text, a integer, c date);" + T.replace("n integer", "n integer, p {schema}.pair"),
                        "destructive", "re-created"),
                c("composite comment", PAIR + T, PAIR + T + "COMMENT ON TYPE {schema}.pair IS 'two';", "safe", "comment"),
                c("attribute comment", PAIR + T, PAIR + T + "COMMENT ON COLUMN {schema}.pair.b IS 'the name';", "safe", "comment"),
                c("composite dropped", PAIR + T, T, "destructive", "composite type not in the model"),
                c("collation added with a column of it", T, CI + T.replace("n integer", "n integer, a text COLLATE {schema}.ci"),
                        "safe", "new collation"),
                c("libc collation", T, "CREATE COLLATION {schema}.posix (locale = 'C');" + T, "safe", "new collation"),
                c("collation changed", CI + T, CI.replace("level2", "level1") + T, "destructive", "collation changed"),
                c("collation dropped", CI + T, T, "destructive", "collation not in the model"),
                c("collation comment", CI + T, CI + T + "COMMENT ON COLLATION {schema}.ci IS 'case-insensitive';", "safe", "comment"));
    }

    @BeforeAll
    static void setUp() throws Exception {
        db = KindCases.database("tnkda_ty");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void caseConverges(KindCases.Case k) throws Exception {
        KindCases.converge(db, "y" + N.incrementAndGet(), k);
    }

    @Test
    void domainChecksHoldAfterApply() throws Exception {
        KindCases.converge(db, "mail", c("email", T, EMAIL + TE, "safe", "new domain"));
        db.exec("INSERT INTO p_mail.t (id, e) VALUES (2, 'a@b')");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> db.exec("INSERT INTO p_mail.t (id, e) VALUES (3, 'nope')"));
        assertTrue(e.getMessage().contains("email_at"), e.getMessage());
    }

    /** A composite type re-created converts its columns by attribute name, not by position. */
    @Test
    void compositeColumnsKeepTheirValuesByName() throws Exception {
        String before = PAIR + T.replace("n integer", "n integer, p {schema}.pair");
        db.exec("CREATE SCHEMA p_conv;" + dev.tasknode.node.schema.model.ModelSet.bind(before, "p_conv", "shared")
                + "INSERT INTO p_conv.t (id, p) VALUES (1, ROW(7, 'seven')), (2, NULL)");
        KindCases.converge(db, "conv", c("reorder", null, "CREATE TYPE {schema}.pair AS (b text, a bigint, c date);"
                + T.replace("n integer", "n integer, p {schema}.pair"), "destructive", "re-created"));
        assertEquals(1, db.count("SELECT count(*) FROM p_conv.t WHERE id = 1 AND (p).a = 7 AND (p).b = 'seven' AND (p).c IS NULL"));
        assertEquals(1, db.count("SELECT count(*) FROM p_conv.t WHERE id = 2 AND p IS NULL"));
    }

    /** SET NOT NULL on a domain is checked first: the NULLs of every column of the domain are counted. */
    @Test
    void domainNotNullIsCheckedOnItsColumns() throws Exception {
        db.exec("CREATE SCHEMA p_nulls;" + dev.tasknode.node.schema.model.ModelSet.bind(EMAIL + TE, "p_nulls", "shared") + "INSERT INTO p_nulls.t (id) VALUES (1), (2)");
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED,
                EMAIL.replace(" CONSTRAINT", " NOT NULL CONSTRAINT") + TE));
        Results.ChangeSet cs = w.reports().propose(new Scope.Project("nulls")).proposal().changeSets().getFirst();
        assertEquals(1, cs.findings().size(), () -> SchemaCorpusTest.json(cs));
        assertEquals(2, cs.findings().getFirst().count());
        assertTrue(cs.findings().getFirst().check().contains("NULL"), cs.findings().getFirst().check());
    }

    /** Schemas whose columns use their own schema's collation and domain share one fingerprint and one plan. */
    @Test
    void fleetGroupsSchemasWithTheirOwnTypes() throws Exception {
        String model = CI + EMAIL + PAIR + "CREATE TABLE {schema}.t (id integer PRIMARY KEY, name text COLLATE {schema}.ci,"
                + " e {schema}.email, p {schema}.pair);";
        try (SchemaTestDb fleet = KindCases.database("tnkda_tyfleet")) {
            for (String id : List.of("a", "b", "c")) {
                fleet.exec("CREATE SCHEMA p_" + id);
            }
            SchemaTestDb.Wiring w = fleet.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, model));
            Results.Proposal p = w.reports().propose(Scope.ALL).proposal();
            assertEquals(1, p.changeSets().size(), () -> SchemaCorpusTest.json(p));
            assertEquals(List.of("p_a", "p_b", "p_c"), p.changeSets().getFirst().schemas());
            Results.ApplyReport r = w.applier().run(new SchemaTestDb.Ctx("apply_migrations", Map.of()), Scope.ALL,
                    new FleetApplier.Options("apply_migrations", false, false, false, p.fingerprint(), false));
            assertTrue(r.allMatchModel(), () -> SchemaCorpusTest.json(r));
            assertEquals(0, w.reports().propose(Scope.ALL).proposal().toChange());
            fleet.exec("INSERT INTO p_b.t (id, name) VALUES (1, 'Abc'), (2, 'ABC')");
            assertEquals(2, fleet.count("SELECT count(*) FROM p_b.t WHERE name = 'abc'"), "the schema's own collation");
            assertEquals(1, fleet.count("SELECT count(*) FROM pg_attribute a JOIN pg_collation co ON co.oid = a.attcollation"
                    + " WHERE a.attrelid = 'p_c.t'::regclass AND a.attname = 'name' AND co.collnamespace = 'p_c'::regnamespace"));
        }
    }
}
