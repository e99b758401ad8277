package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.Scope;
import dev.tasknode.node.schema.apply.FleetApplier;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A shared column that project views read changes type: the projects' views must not make the shared apply fail obscurely. */
class SchemaSharedDependentsTest {
    static SchemaTestDb db;
    static final String SHARED = "CREATE TABLE {schema}.users (id bigint PRIMARY KEY, email text NOT NULL);";
    static final String PROJECT = "CREATE VIEW {schema}.emails AS SELECT id, email FROM {shared}.users;";

    @BeforeAll
    static void setUp() throws Exception {
        db = new SchemaTestDb("tneng_shared");
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SHARED, PROJECT));
        for (Scope s : new Scope[] {Scope.SHARED, new Scope.Project("1")}) {
            w.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of()), s,
                    new FleetApplier.Options("create_tables", false, false, false, null, true));
        }
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    /**
     * The shared plan cannot see the projects' views (each schema is planned on its own), so PostgreSQL refuses the
     * change. The shared schema must fail with PostgreSQL's reason (the view that depends on it), recorded in the
     * history, and the projects go on: not an obscure "Connection is closed".
     */
    @Test
    void aSharedColumnRetypedUnderAProjectViewFailsNamingTheView() throws Exception {
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SHARED.replace("email text", "email varchar(320)"), PROJECT));
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of("allow_destructive", true));
        Results.ApplyReport r = w.applier().run(ctx, Scope.ALL,
                new FleetApplier.Options("apply_migrations", true, false, false, null, false));
        Results.SchemaOutcome shared = r.outcomes().stream().filter(o -> o.schema().equals("shared")).findFirst().orElseThrow();
        assertEquals("failed", shared.outcome(), () -> SchemaCorpusTest.json(r));
        assertTrue(shared.error().contains("cannot alter type of a column used by a view") && shared.error().contains("p_1.emails"),
                shared.error());
        assertEquals(1, db.count("SELECT count(*) FROM tasknode.schema_history WHERE schema_name = 'shared' AND outcome = 'failed'"
                + " AND error LIKE '%p_1.emails%'"));
    }
}
