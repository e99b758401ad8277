package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.model.ModelException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Row-level security (ENABLE / FORCE) and policies: create, change in place, re-create, drop, convergence. */
class SchemaPoliciesTest {
    static KindHarness h;
    static final String APP = KindHarness.role("tnkdb_pol_app");
    static final String ADMIN = KindHarness.role("tnkdb_pol_admin");
    static final String T = "CREATE TABLE {schema}.t (id integer PRIMARY KEY, owner text, n integer);";
    static final String ON = "ALTER TABLE {schema}.t ENABLE ROW LEVEL SECURITY;";
    static final String P = "CREATE POLICY own ON {schema}.t USING (owner = current_user);";

    @BeforeAll
    static void setUp() throws Exception {
        h = new KindHarness("tnkdb_pol", APP, ADMIN);
    }

    @AfterAll
    static void tearDown() throws Exception {
        h.close();
    }

    @Test
    void newTableWithPolicyAndRls() throws Exception {
        var o = h.converge("", T + ON + "ALTER TABLE {schema}.t FORCE ROW LEVEL SECURITY;" + P
                + "CREATE POLICY ins ON {schema}.t AS RESTRICTIVE FOR INSERT TO " + APP + " WITH CHECK (n > 0);", "safe", "new policy");
        assertTrue(o.script().contains("AS RESTRICTIVE FOR INSERT TO \"" + APP + "\" WITH CHECK ((n > 0))"), o.script());
        assertEquals(1, h.db.count("SELECT count(*) FROM pg_class WHERE relname = 't' AND relrowsecurity AND relforcerowsecurity"
                + " AND relnamespace = '" + o.schema() + "'::regnamespace"));
        assertEquals(2, h.db.count("SELECT count(*) FROM pg_policies WHERE schemaname = '" + o.schema() + "'"));
    }

    @Test
    void policyAddedToGuardedTable() throws Exception {
        h.converge(T + ON, T + ON + P, "safe", "new policy");
    }

    @Test
    void enableWithPermissivePolicyIsSafe() throws Exception {
        var o = h.converge(T, T + P + ON, "safe", "rows follow the table's policies");
        // policy first, then RLS on
        assertTrue(o.script().indexOf("CREATE POLICY") < o.script().indexOf("ENABLE ROW LEVEL SECURITY"), o.script());
    }

    @Test
    void enableWithoutPermissivePolicyLocksOut() throws Exception {
        h.converge(T, T + ON, "destructive", "no role but the owner");
        h.converge(T, T + ON + "CREATE POLICY r ON {schema}.t AS RESTRICTIVE USING (n > 0);", "safe,destructive", "no role but the owner");
    }

    @Test
    void forceWithoutPermissivePolicyLocksOutTheOwner() throws Exception {
        h.converge(T + ON + P, T + ON + P.replace("POLICY own", "POLICY own2") + "ALTER TABLE {schema}.t FORCE ROW LEVEL SECURITY;",
                "safe,destructive", "new policy");
        h.converge(T + ON, T + ON + "ALTER TABLE {schema}.t FORCE ROW LEVEL SECURITY;", "destructive", "not even the owner");
    }

    @Test
    void disableAndNoForceAreDestructive() throws Exception {
        h.converge(T + ON + P, T + P, "destructive", "row-level security off");
        h.converge(T + ON + P + "ALTER TABLE {schema}.t FORCE ROW LEVEL SECURITY;", T + ON + P, "destructive", "owner bypasses");
    }

    @Test
    void usingAndCheckChangedInPlace() throws Exception {
        var o = h.converge(T + ON + "CREATE POLICY p ON {schema}.t USING (n > 0) WITH CHECK (n > 0);",
                T + ON + "CREATE POLICY p ON {schema}.t USING (n > 1 AND owner IS NOT NULL) WITH CHECK (n > 2);", "safe", "changed in place");
        assertTrue(o.script().startsWith("ALTER POLICY \"p\" ON {schema}.\"t\" USING ("), o.script());
        assertTrue(!o.script().contains("DROP POLICY"), o.script());
    }

    @Test
    void rolesChangedInPlace() throws Exception {
        var o = h.converge(T + ON + "CREATE POLICY p ON {schema}.t TO " + APP + " USING (true);",
                T + ON + "CREATE POLICY p ON {schema}.t TO " + ADMIN + ", " + APP + " USING (true);", "safe", "changed in place");
        assertEquals("ALTER POLICY \"p\" ON {schema}.\"t\" TO \"" + ADMIN + "\", \"" + APP + "\";\n", o.script());
        h.converge(T + ON + "CREATE POLICY p ON {schema}.t TO " + APP + " USING (true);",
                T + ON + "CREATE POLICY p ON {schema}.t USING (true);", "safe", "changed in place");
    }

    @Test
    void commandKindOrRemovedExpressionRecreates() throws Exception {
        String base = T + ON + "CREATE POLICY p ON {schema}.t FOR SELECT USING (n > 0);";
        var o = h.converge(base, base.replace("FOR SELECT", "FOR DELETE"), "safe", "re-created");
        assertTrue(o.script().indexOf("DROP POLICY") < o.script().indexOf("CREATE POLICY"), o.script());
        h.converge(base, base.replace("CREATE POLICY p ON {schema}.t", "CREATE POLICY p ON {schema}.t AS RESTRICTIVE"), "safe", "re-created");
        h.converge(T + ON + "CREATE POLICY p ON {schema}.t USING (n > 0) WITH CHECK (n > 1);",
                T + ON + "CREATE POLICY p ON {schema}.t USING (n > 0);", "safe", "re-created");
    }

    @Test
    void droppedPoliciesAreDestructive() throws Exception {
        h.converge(T + ON + P + "CREATE POLICY g ON {schema}.t AS RESTRICTIVE USING (n > 0);", T + ON + P, "destructive", "guard no longer applies");
        h.converge(T + ON + P + "CREATE POLICY g ON {schema}.t AS RESTRICTIVE USING (n > 0);",
                T + ON + "CREATE POLICY g ON {schema}.t AS RESTRICTIVE USING (n > 0);", "destructive", "no longer reachable");
    }

    @Test
    void policyOverAColumnThatChangesTypeIsRecreatedAroundIt() throws Exception {
        String p = "CREATE POLICY p ON {schema}.t USING (n > 0);";
        var o = h.converge(T + ON + p, T.replace("n integer", "n bigint") + ON + p, "safe,locking", "what it reads changes");
        String s = o.script();
        assertTrue(s.indexOf("DROP POLICY") < s.indexOf("TYPE bigint") && s.indexOf("TYPE bigint") < s.indexOf("CREATE POLICY"), s);
    }

    @Test
    void policyReadingTheSharedSchemaAndASetting() throws Exception {
        String p = "CREATE POLICY p ON {schema}.t FOR UPDATE USING (owner IN (SELECT email FROM {shared}.users))"
                + " WITH CHECK (n = current_setting('app.n', true)::integer);";
        var o = h.converge(T + ON, T + ON + p, "safe", "new policy");
        assertTrue(o.script().contains("{shared}.users"), o.script());
    }

    @Test
    void policyComment() throws Exception {
        h.converge(T + ON + P, T + ON + P + "COMMENT ON POLICY own ON {schema}.t IS 'rows of the current user';", "safe", "comment");
    }

    @Test
    void policiesOfADroppedTableGoWithIt() throws Exception {
        var o = h.converge(T + ON + P + "CREATE TABLE {schema}.u (id int);", "CREATE TABLE {schema}.u (id int);", "destructive", "table not in the model");
        assertTrue(!o.script().contains("POLICY"), o.script());
    }

    @Test
    void createTablesCreatesTheGuardsOfNewTablesOnly() throws Exception {
        String model = T + ON + P + "GRANT SELECT ON {schema}.t TO " + APP + ";"
                + "CREATE TABLE {schema}.m (id int, at date) PARTITION BY RANGE (at);"
                + "CREATE TABLE {schema}.m_1 PARTITION OF {schema}.m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
                + "CREATE TABLE {schema}.old (id int);";
        // an existing table without its grant: create_tables leaves it alone, propose shows the grant
        h.db.exec("CREATE SCHEMA p_ct; CREATE TABLE p_ct.old (id int)");
        SchemaTestDb.Wiring w = h.db.wire(KindHarness.model(KindHarness.SHARED, model + "GRANT SELECT ON {schema}.old TO " + APP + ";"));
        w.applier().run(new SchemaTestDb.Ctx("create_tables", java.util.Map.of("param", "ct")), new Scope.Project("ct"),
                new dev.tasknode.node.schema.apply.FleetApplier.Options("create_tables", false, false, false, null, true));
        assertEquals(1, h.db.count("SELECT count(*) FROM pg_policies WHERE schemaname = 'p_ct' AND tablename = 't'"));
        assertEquals(1, h.db.count("SELECT count(*) FROM pg_class WHERE oid = 'p_ct.t'::regclass AND relrowsecurity"));
        assertEquals(1, h.db.count("SELECT count(*) FROM pg_class WHERE oid = 'p_ct.m_1'::regclass AND relispartition"));
        Results.Proposal p = w.reports().propose(new Scope.Project("ct")).proposal();
        assertEquals(1, p.changeSets().size(), () -> KindHarness.json(p));
        assertEquals("GRANT SELECT ON TABLE {schema}.\"old\" TO \"" + APP + "\";\n", p.changeSets().getFirst().script());
    }

    @Test
    void unknownRoleIsAModelErrorNamingFileLineAndRole() {
        SchemaTestDb.Wiring w = h.db.wire(KindHarness.model(KindHarness.SHARED,
                T + "\n\nCREATE POLICY p ON {schema}.t\n  TO tnkdb_pol_nosuchrole USING (true);"));
        ModelException e = assertThrows(ModelException.class, () -> w.engine().afterPropertiesSet());
        assertTrue(e.getMessage().startsWith("project/10.sql:3:") && e.getMessage().contains("tnkdb_pol_nosuchrole")
                && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void identicalSchemasShareOneChangeSet() throws Exception {
        try (KindHarness g = new KindHarness("tnkdb_polg")) {
            for (int i = 1; i <= 3; i++) {
                g.db.exec("CREATE SCHEMA p_" + i + "; CREATE TABLE p_" + i + ".t (id integer PRIMARY KEY, owner text, n integer);"
                        + "ALTER TABLE p_" + i + ".t ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON p_" + i + ".t USING (n > " + i + ")");
            }
            SchemaTestDb.Wiring w = g.db.wire(KindHarness.model(KindHarness.SHARED, T + ON + P));
            Results.Proposal p = w.reports().propose(new Scope.All()).proposal();
            // the policies differ per schema (n > 1, 2, 3): three states; after apply, one
            assertEquals(3, p.changeSets().size(), () -> KindHarness.json(p));
            for (int i = 1; i <= 3; i++) {
                g.apply(w, String.valueOf(i), null);
            }
            for (int i = 4; i <= 6; i++) {
                g.db.exec("CREATE SCHEMA p_" + i + "; CREATE TABLE p_" + i + ".t (id integer PRIMARY KEY, owner text, n integer);");
            }
            Results.Proposal q = w.reports().propose(new Scope.All()).proposal();
            assertEquals(1, q.changeSets().size(), () -> KindHarness.json(q));
            assertEquals(3, q.changeSets().getFirst().schemaCount(), () -> KindHarness.json(q));
            assertEquals(6 + 1, q.schemas());
        }
    }
}
