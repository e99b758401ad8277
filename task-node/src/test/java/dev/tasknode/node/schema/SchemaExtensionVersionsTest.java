package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.apply.FleetApplier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Extension versions the model pins: created at the pinned version, updated in place when the pin moves (with the
 * shared schema: an extension is database-wide), never touched when not pinned.
 */
class SchemaExtensionVersionsTest {
    static final String TABLE = "CREATE TABLE {schema}.kv (id integer PRIMARY KEY, attrs public.hstore);";

    @Test
    void pinnedVersionIsCreatedThenUpdatedInPlace() throws Exception {
        try (SchemaTestDb db = new SchemaTestDb("tnkda_ext")) {
            String v17 = "CREATE EXTENSION IF NOT EXISTS hstore VERSION '1.7';" + SchemaCorpusTest.SHARED + TABLE;
            SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(v17, TABLE));
            Results.ApplyReport r = w.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of()), Scope.ALL,
                    new FleetApplier.Options("create_tables", false, false, false, null, true));
            assertTrue(r.allMatchModel(), () -> SchemaCorpusTest.json(r));
            assertEquals("1.7", version(db));
            db.exec("CREATE SCHEMA p_1;" + TABLE.replace("{schema}", "p_1"));

            // the pin moves: one in-place update, with the shared schema only
            SchemaTestDb.Wiring w18 = db.wire(SchemaCorpusTest.model(v17.replace("'1.7'", "'1.8'"), TABLE));
            Results.Proposal p = w18.reports().propose(Scope.ALL).proposal();
            assertEquals(1, p.changeSets().size(), () -> SchemaCorpusTest.json(p));
            Results.ChangeSet cs = p.changeSets().getFirst();
            assertEquals(List.of("shared"), cs.schemas());
            assertEquals("ALTER EXTENSION \"hstore\" UPDATE TO '1.8';\n", cs.script());
            assertEquals("locking", cs.statements().getFirst().classification());
            Results.ApplyReport a = w18.applier().run(new SchemaTestDb.Ctx("apply_migrations", Map.of()), Scope.ALL,
                    new FleetApplier.Options("apply_migrations", false, false, false, p.fingerprint(), false));
            assertTrue(a.allMatchModel(), () -> SchemaCorpusTest.json(a));
            assertEquals("1.8", version(db));
            assertEquals(0, w18.reports().propose(Scope.ALL).proposal().toChange());

            // not pinned: whatever is installed is left alone
            SchemaTestDb.Wiring free = db.wire(SchemaCorpusTest.model(v17.replace(" VERSION '1.7'", ""), TABLE));
            db.exec("ALTER EXTENSION hstore UPDATE TO '1.8'");
            assertEquals(0, free.reports().propose(Scope.ALL).proposal().toChange());
        }
    }

    private static String version(SchemaTestDb db) throws Exception {
        try (var c = db.ds.getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT extversion FROM pg_extension WHERE extname = 'hstore'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
