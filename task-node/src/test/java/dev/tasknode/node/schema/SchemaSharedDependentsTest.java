package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
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
     * The shared plan cannot rebuild the projects' views (each schema is planned on its own, the shared schema first),
     * so PostgreSQL would refuse the change. Apply refuses the shared change set before anything live changes
     * ({@code unplannable}), naming the project view from pg_depend and the way to make the change, recorded in the
     * history; the view and the shared column are left as they were.
     */
    @Test
    void aSharedColumnRetypedUnderAProjectViewIsRefusedNamingTheView() throws Exception {
        SchemaTestDb.Wiring w = db.wire(SchemaCorpusTest.model(SHARED.replace("email text", "email varchar(320)"), PROJECT));
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of("allow_destructive", true));
        Results.ApplyReport r = w.applier().run(ctx, Scope.ALL,
                new FleetApplier.Options("apply_migrations", true, false, false, null, false));
        Results.SchemaOutcome shared = r.outcomes().stream().filter(o -> o.schema().equals("shared")).findFirst().orElseThrow();
        assertEquals("unplannable", shared.outcome(), () -> SchemaCorpusTest.json(r));
        assertTrue(shared.error().contains("column shared.users.email") && shared.error().contains("view p_1.emails")
                && shared.error().contains("nothing was changed"), shared.error());
        assertEquals(1, db.count("SELECT count(*) FROM tasknode.schema_history WHERE schema_name = 'shared' AND outcome = 'unplannable'"
                + " AND error LIKE '%view p_1.emails%'"));
        assertEquals("text", db.exec1("SELECT data_type FROM information_schema.columns WHERE table_schema = 'shared'"
                + " AND table_name = 'users' AND column_name = 'email'"));
        assertEquals(1, db.count("SELECT count(*) FROM pg_views WHERE schemaname = 'p_1' AND viewname = 'emails'"));
    }
}
