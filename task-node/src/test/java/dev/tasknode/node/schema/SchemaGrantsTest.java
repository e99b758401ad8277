package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.model.ModelException;
import dev.tasknode.node.schema.plan.Step;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Privileges: GRANT / REVOKE on the schema, tables, columns, sequences, routines and types, WITH GRANT OPTION. */
class SchemaGrantsTest {
    static KindHarness h;
    static final String APP = KindHarness.role("tnkdb_gr_app");
    static final String RO = KindHarness.role("tnkdb_gr_ro");
    static final String T = "CREATE TABLE {schema}.t (id integer PRIMARY KEY, a text, b text);";

    @BeforeAll
    static void setUp() throws Exception {
        h = new KindHarness("tnkdb_gr", APP, RO);
    }

    @AfterAll
    static void tearDown() throws Exception {
        h.close();
    }

    static boolean can(String sql) {
        return h.db.count("SELECT CASE WHEN " + sql + " THEN 1 ELSE 0 END") == 1;
    }

    @Test
    void newSchemaWithGrantsOnEveryKind() throws Exception {
        var o = h.converge(null, T + "CREATE SEQUENCE {schema}.s; CREATE TYPE {schema}.mood AS ENUM ('a');"
                + "GRANT USAGE ON SCHEMA {schema} TO " + APP + ";"
                + "GRANT SELECT, INSERT ON {schema}.t TO " + APP + ";"
                + "GRANT SELECT (a), UPDATE (b) ON {schema}.t TO " + RO + " WITH GRANT OPTION;"
                + "GRANT USAGE, SELECT ON SEQUENCE {schema}.s TO " + APP + ";"
                + "REVOKE USAGE ON TYPE {schema}.mood FROM PUBLIC; GRANT USAGE ON TYPE {schema}.mood TO " + APP + ";",
                "safe", "PUBLIC's default privilege revoked");
        String s = o.schema();
        assertTrue(can("has_schema_privilege('" + APP + "', '" + s + "', 'USAGE')"));
        assertTrue(can("has_table_privilege('" + APP + "', '" + s + ".t', 'INSERT')"));
        assertTrue(!can("has_table_privilege('" + APP + "', '" + s + ".t', 'DELETE')"));
        assertTrue(can("has_column_privilege('" + RO + "', '" + s + ".t', 'b', 'UPDATE WITH GRANT OPTION')"));
        assertTrue(!can("has_column_privilege('" + RO + "', '" + s + ".t', 'a', 'UPDATE')"));
        assertTrue(can("has_sequence_privilege('" + APP + "', '" + s + ".s', 'USAGE')"));
        assertTrue(!can("has_type_privilege('" + RO + "', '" + s + ".mood', 'USAGE')"), "PUBLIC's USAGE was revoked");
        assertTrue(o.script().contains("GRANT SELECT (\"a\"), UPDATE (\"b\") ON TABLE {schema}.\"t\" TO \"" + RO
                + "\" WITH GRANT OPTION"), o.script());
        assertTrue(o.script().contains("REVOKE USAGE ON TYPE {schema}.\"mood\" FROM PUBLIC"), o.script());
    }

    @Test
    void grantAddedToAnExistingTable() throws Exception {
        var o = h.converge(T, T + "GRANT SELECT ON {schema}.t TO " + APP + ", PUBLIC;", "safe", "privilege granted");
        assertTrue(o.script().contains("TO PUBLIC"), o.script());
    }

    @Test
    void revokeIsDestructive() throws Exception {
        var o = h.converge(T + "GRANT SELECT, DELETE ON {schema}.t TO " + APP + ";", T + "GRANT SELECT ON {schema}.t TO " + APP + ";",
                "destructive", "loses DELETE");
        assertEquals("REVOKE DELETE ON TABLE {schema}.\"t\" FROM \"" + APP + "\";\n", o.script());
    }

    @Test
    void grantOptionAddedIsSafeRemovedIsDestructive() throws Exception {
        String g = "GRANT SELECT ON {schema}.t TO " + APP;
        h.converge(T + g + ";", T + g + " WITH GRANT OPTION;", "safe", "privilege granted");
        var o = h.converge(T + g + " WITH GRANT OPTION;", T + g + ";", "destructive", "may no longer grant");
        assertTrue(o.script().startsWith("REVOKE GRANT OPTION FOR SELECT"), o.script());
    }

    @Test
    void columnPrivilegesMove() throws Exception {
        h.converge(T + "GRANT UPDATE (a) ON {schema}.t TO " + APP + ";", T + "GRANT UPDATE (b) ON {schema}.t TO " + APP + ";",
                "safe,destructive", "loses UPDATE (\"a\")");
    }

    /**
     * Column privileges on views and materialized views, whose columns the inspector reads apart from tables': a
     * grant is planned, and after it the schema converges (the inspection sees it; otherwise it would plan it again).
     */
    @Test
    void columnPrivilegesOnViewsAndMaterializedViews() throws Exception {
        String views = T + "CREATE VIEW {schema}.v AS SELECT a, b FROM {schema}.t;"
                + "CREATE MATERIALIZED VIEW {schema}.mv AS SELECT a, b FROM {schema}.t;";
        var o = h.converge(views, views + "GRANT SELECT (b) ON {schema}.v TO " + APP + ";"
                + "GRANT SELECT (a) ON {schema}.mv TO " + APP + ";", "safe", "");
        assertTrue(o.script().contains("GRANT SELECT (\"b\") ON TABLE {schema}.\"v\""), o.script());
        assertTrue(o.script().contains("GRANT SELECT (\"a\") ON TABLE {schema}.\"mv\""), o.script());
        h.converge(views + "GRANT SELECT (b) ON {schema}.v TO " + APP + ";", views + "GRANT SELECT (a) ON {schema}.v TO "
                + APP + ";", "safe,destructive", "loses SELECT (\"b\")");
    }

    @Test
    void noEndlessDiffFromOwnerOrDefaults() throws Exception {
        // granted and revoked again: the ACL is no longer NULL but says what the default says
        String before = T + "CREATE SEQUENCE {schema}.s; CREATE TYPE {schema}.mood AS ENUM ('a');"
                + "GRANT SELECT ON {schema}.t TO " + APP + "; REVOKE SELECT ON {schema}.t FROM " + APP + ";"
                + "REVOKE USAGE ON TYPE {schema}.mood FROM PUBLIC; GRANT USAGE ON TYPE {schema}.mood TO PUBLIC;"
                + "GRANT SELECT ON SEQUENCE {schema}.s TO " + APP + "; REVOKE ALL ON SEQUENCE {schema}.s FROM " + APP + ";";
        String id = "eq";
        h.db.exec("CREATE SCHEMA p_" + id + "; SET search_path = p_" + id + ";"
                + dev.tasknode.node.schema.model.ModelSet.bind(before, "p_" + id, "shared") + "; RESET search_path");
        SchemaTestDb.Wiring w = h.db.wire(KindHarness.model(KindHarness.SHARED,
                T + "CREATE SEQUENCE {schema}.s; CREATE TYPE {schema}.mood AS ENUM ('a');"));
        Results.Proposal p = w.reports().propose(new Scope.Project(id)).proposal();
        assertEquals(0, p.toChange(), () -> KindHarness.json(p));
    }

    @Test
    void routinePrivilegesConverge() throws Exception {
        String f = "CREATE FUNCTION {schema}.f(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x';"
                + "CREATE PROCEDURE {schema}.pr() LANGUAGE sql AS 'SELECT 1';";
        var plan = h.convergeRaw(f, f + "REVOKE EXECUTE ON FUNCTION {schema}.f(integer) FROM PUBLIC;"
                + "GRANT EXECUTE ON FUNCTION {schema}.f(integer) TO " + APP + " WITH GRANT OPTION;"
                + "GRANT EXECUTE ON PROCEDURE {schema}.pr() TO " + RO + ";");
        String s = plan.script();
        assertTrue(s.contains("REVOKE EXECUTE ON FUNCTION {schema}.f(integer) FROM PUBLIC"), s);
        assertTrue(s.contains("GRANT EXECUTE ON FUNCTION {schema}.f(integer) TO \"" + APP + "\" WITH GRANT OPTION"), s);
        assertTrue(s.contains("GRANT EXECUTE ON PROCEDURE {schema}.pr() TO \"" + RO + "\""), s);
        assertEquals(1, plan.count(Step.Safety.DESTRUCTIVE), s);
        // a new routine (created by kinds-a's diff, so only planned here): revoking PUBLIC's default takes nothing away
        try (var c = h.db.ds.getConnection()) {
            h.db.exec("CREATE SCHEMA p_rn; CREATE SCHEMA p_rn_after; SET search_path = p_rn_after;"
                    + dev.tasknode.node.schema.model.ModelSet.bind(f + "REVOKE EXECUTE ON FUNCTION {schema}.f(integer) FROM PUBLIC;",
                    "p_rn_after", "shared") + "; RESET search_path");
            var cats = dev.tasknode.node.schema.inspect.CatalogInspector.inspect(c, java.util.List.of("p_rn", "p_rn_after"),
                    "shared", java.util.Set.of());
            var fresh = dev.tasknode.node.schema.diff.Differ.plan(cats.get("p_rn"), cats.get("p_rn_after"), 0);
            assertTrue(fresh.script().contains("REVOKE EXECUTE ON FUNCTION {schema}.f(integer) FROM PUBLIC"), fresh.script());
            assertEquals(0, fresh.count(Step.Safety.DESTRUCTIVE), fresh.script());
        }
        // and back: PUBLIC gets EXECUTE again (safe), the others lose it (destructive)
        var back = h.convergeRaw(f + "REVOKE EXECUTE ON FUNCTION {schema}.f(integer) FROM PUBLIC;"
                + "GRANT EXECUTE ON FUNCTION {schema}.f(integer) TO " + APP + ";", f);
        assertTrue(back.script().contains("GRANT EXECUTE ON FUNCTION {schema}.f(integer) TO PUBLIC"), back.script());
        assertTrue(back.script().contains("REVOKE EXECUTE ON FUNCTION {schema}.f(integer) FROM \"" + APP + "\""), back.script());
    }

    @Test
    void routineDroppedTakesItsPrivilegesAlong() throws Exception {
        String f = "CREATE FUNCTION {schema}.f(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x';";
        try (var c = h.db.ds.getConnection()) {
            h.db.exec("CREATE SCHEMA p_rd; SET search_path = p_rd;" + dev.tasknode.node.schema.model.ModelSet.bind(
                    f + "REVOKE ALL ON FUNCTION {schema}.f(integer) FROM PUBLIC; GRANT EXECUTE ON FUNCTION {schema}.f(integer) TO "
                            + APP, "p_rd", "shared") + "; RESET search_path; CREATE SCHEMA p_rd_after");
            var cats = dev.tasknode.node.schema.inspect.CatalogInspector.inspect(c, java.util.List.of("p_rd", "p_rd_after"),
                    "shared", java.util.Set.of());
            var plan = dev.tasknode.node.schema.diff.Differ.plan(cats.get("p_rd"), cats.get("p_rd_after"), 0);
            assertTrue(!plan.script().contains("REVOKE"), plan.script()); // the function's drop (kinds-a) takes them
        }
    }

    @Test
    void viewPrivilegesSurviveItsRecreation() throws Exception {
        String v = "CREATE VIEW {schema}.v AS SELECT id, a FROM {schema}.t; GRANT SELECT ON {schema}.v TO " + APP + ";";
        var o = h.converge(T + v, T + v.replace("SELECT id, a", "SELECT id, a, b"), "safe", "granted again");
        assertTrue(can("has_table_privilege('" + APP + "', '" + o.schema() + ".v', 'SELECT')"));
        // re-created because a column it reads changes type
        var o2 = h.converge(T + v, T.replace("a text", "a varchar(10)") + v, "safe,locking", "granted again");
        assertTrue(can("has_table_privilege('" + APP + "', '" + o2.schema() + ".v', 'SELECT')"));
        String mv = "CREATE MATERIALIZED VIEW {schema}.mv AS SELECT id FROM {schema}.t; GRANT SELECT ON {schema}.mv TO " + RO + ";";
        h.converge(T + mv, T + mv.replace("SELECT id", "SELECT id, a"), "safe,locking", "granted again");
    }

    @Test
    void enumPrivilegesSurviveItsRecreation() throws Exception {
        String e = "CREATE TYPE {schema}.mood AS ENUM ('a', 'b', 'c'); REVOKE USAGE ON TYPE {schema}.mood FROM PUBLIC;"
                + "GRANT USAGE ON TYPE {schema}.mood TO " + APP + ";";
        var o = h.converge(e + T, e.replace(", 'b'", "") + T, "safe,destructive", "granted again");
        assertTrue(can("has_type_privilege('" + APP + "', '" + o.schema() + ".mood', 'USAGE')"));
        assertTrue(!can("has_type_privilege('" + RO + "', '" + o.schema() + ".mood', 'USAGE')"));
    }

    @Test
    void droppedTableIsNotRevoked() throws Exception {
        var o = h.converge(T + "GRANT ALL ON {schema}.t TO " + APP + "; CREATE TABLE {schema}.u (x int);",
                "CREATE TABLE {schema}.u (x int);", "destructive", "table not in the model");
        assertTrue(!o.script().contains("REVOKE"), o.script());
    }

    @Test
    void unknownRoleIsAModelErrorNamingFileLineAndRole() {
        SchemaTestDb.Wiring w = h.db.wire(KindHarness.model(KindHarness.SHARED,
                T + "\nGRANT SELECT ON {schema}.t TO tnkdb_gr_nosuchrole;"));
        ModelException e = assertThrows(ModelException.class, () -> w.engine().afterPropertiesSet());
        assertTrue(e.getMessage().startsWith("project/10.sql:2:") && e.getMessage().contains("tnkdb_gr_nosuchrole")
                && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void identicalSchemasShareOneChangeSet() throws Exception {
        try (KindHarness g = new KindHarness("tnkdb_grg")) {
            for (int i = 1; i <= 3; i++) {
                g.db.exec("CREATE SCHEMA p_" + i + "; CREATE TABLE p_" + i + ".t (id integer PRIMARY KEY, a text, b text);"
                        + "GRANT SELECT ON p_" + i + ".t TO " + RO);
            }
            SchemaTestDb.Wiring w = g.db.wire(KindHarness.model(KindHarness.SHARED, T + "GRANT SELECT, UPDATE (a) ON {schema}.t TO "
                    + APP + "; GRANT USAGE ON SCHEMA {schema} TO " + APP + ";"));
            Results.Proposal p = w.reports().propose(new Scope.All()).proposal();
            assertEquals(1, p.changeSets().size(), () -> KindHarness.json(p));
            Results.ChangeSet cs = p.changeSets().getFirst();
            assertEquals(3, cs.schemaCount(), () -> KindHarness.json(p));
            assertEquals(java.util.Set.of("safe", "destructive"), new java.util.TreeSet<>(cs.statements().stream()
                    .map(Results.StatementView::classification).toList()), cs.script());
            for (int i = 1; i <= 3; i++) {
                g.apply(w, String.valueOf(i), null);
            }
        }
    }
}
