package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.schema.model.ModelLoader;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.tasks.ApplyMigrationsTask;
import dev.tasknode.node.schema.tasks.CreateTablesTask;
import dev.tasknode.node.schema.tasks.ProposeMigrationsTask;
import dev.tasknode.node.schema.tasks.SchemaStatusTask;
import dev.tasknode.node.task.TaskOutcome;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sample model shipped in task-node, through the four tasks, on a real database. */
class SchemaSampleModelTest {
    static SchemaTestDb db;
    static SchemaTestDb.Wiring w;

    @BeforeAll
    static void setUp() {
        db = new SchemaTestDb("schema_sample");
        db.props.setProjectIdsQuery("SELECT id::text FROM {shared}.projects");
        w = db.wire(null);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void createProposeApplyStatusOnTheSampleModel() throws Exception {
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("create_tables", Map.of("param", "shared"));
        TaskOutcome out = new CreateTablesTask(w.applier()).run(ctx);
        assertEquals(TaskStatus.SUCCEEDED, out.status(), out.summary() + "\n" + ctx.text());
        db.exec("INSERT INTO shared.users (email, name) VALUES ('a@example.org', 'A');"
                + "INSERT INTO shared.projects (id, name, owner_id) VALUES (1, 'one', 1), (2, 'two', 1), (3, 'three', 1)");

        ctx = new SchemaTestDb.Ctx("create_tables", Map.of());
        out = new CreateTablesTask(w.applier()).run(ctx);
        assertEquals(TaskStatus.SUCCEEDED, out.status(), out.summary() + "\n" + ctx.text());
        Results.ApplyReport r = (Results.ApplyReport) out.result();
        assertEquals(4, r.schemas());
        assertEquals(3, r.changed(), ctx.text());
        assertTrue(r.allMatchModel(), Json.MAPPER.writeValueAsString(r));
        assertEquals(21, db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'p_2'"));
        // one foreign key into the shared schema per project (members.user_id); the rest reference members
        assertEquals(1, db.count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'p_2'::regnamespace"
                + " AND confrelid::regclass::text LIKE 'shared.%'"));
        assertEquals(2, db.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'shared.users'::regclass"
                + " AND tgconstrrelid::regclass::text LIKE 'p_2.%'"));
        membershipCascades();
        // the model's updated_at trigger: whatever the client writes, the database keeps the time of the update
        db.exec("INSERT INTO p_2.boards (name) VALUES ('b'); INSERT INTO p_2.tasks (board_id, title) SELECT id, 't' FROM p_2.boards;"
                + "UPDATE p_2.tasks SET title = 'u', updated_at = '2000-01-01'");
        assertEquals(1, db.count("SELECT count(*) FROM p_2.tasks WHERE updated_at > '2001-01-01'"));
        assertEquals(1, db.count("SELECT count(*) FROM p_2.open_tasks((SELECT id FROM p_2.boards))"));

        // the invariant: nothing left to propose
        ctx = new SchemaTestDb.Ctx("propose_migrations", Map.of());
        out = new ProposeMigrationsTask(w.reports()).run(ctx);
        Results.Proposal p = (Results.Proposal) out.result();
        assertEquals(0, p.toChange(), Json.MAPPER.writeValueAsString(p));
        assertEquals(4, p.upToDate());

        ctx = new SchemaTestDb.Ctx("schema_status", Map.of());
        out = new SchemaStatusTask(w.reports()).run(ctx);
        Results.Status s = (Results.Status) out.result();
        assertEquals(4, s.counts().get("up_to_date"), ctx.text());
        assertEquals(4, w.metrics().count("up_to_date"));
        assertEquals(4.0, w.registry().get("tasknode.schemas").tag("state", "up_to_date").gauge().value());

        // create_tables is idempotent
        ctx = new SchemaTestDb.Ctx("create_tables", Map.of());
        out = new CreateTablesTask(w.applier()).run(ctx);
        assertEquals(0, ((Results.ApplyReport) out.result()).changed());

        // apply with nothing to do
        ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of());
        out = new ApplyMigrationsTask(w.applier()).run(ctx);
        assertEquals(TaskStatus.SUCCEEDED, out.status(), ctx.text());
        assertFalse(Json.MAPPER.writeValueAsString(out.result()).isEmpty());
        assertEquals(Scope.ALL, ctx.params().scope());

        addColumnUnderTheSetOfFunction();
    }

    /**
     * The model grows the way models do: a later file adds a column to {@code tasks}. {@code open_tasks() RETURNS
     * SETOF tasks} (a SQL-standard body whose {@code SELECT *} PostgreSQL expanded when it was created) is rebuilt
     * around the table's new shape, and then returns the new column.
     */
    private static void addColumnUnderTheSetOfFunction() throws Exception {
        ModelSet grown = SchemaFleetBenchmark.withProjectFile(ModelLoader.fromClasspath("db/model"), "project/90-more.sql",
                "ALTER TABLE {schema}.tasks ADD COLUMN points integer;\n");
        SchemaTestDb.Wiring w2 = db.wire(grown);
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of());
        TaskOutcome out = new ApplyMigrationsTask(w2.applier()).run(ctx);
        assertEquals(TaskStatus.SUCCEEDED, out.status(), out.summary() + "\n" + ctx.text());
        Results.ApplyReport r = (Results.ApplyReport) out.result();
        assertEquals(3, r.changed(), ctx.text());
        assertTrue(r.allMatchModel(), Json.MAPPER.writeValueAsString(r));
        db.exec("UPDATE p_2.tasks SET points = 3");
        assertEquals(1, db.count("SELECT count(*) FROM p_2.open_tasks((SELECT id FROM p_2.boards)) WHERE points = 3"));
        ctx = new SchemaTestDb.Ctx("propose_migrations", Map.of());
        Results.Proposal p = (Results.Proposal) new ProposeMigrationsTask(w2.reports()).run(ctx).result();
        assertEquals(0, p.toChange(), Json.MAPPER.writeValueAsString(p));
    }

    /** Deleting an account removes its membership, and the membership's ON DELETE actions apply in the project. */
    private static void membershipCascades() {
        db.exec("INSERT INTO shared.users (email) VALUES ('b@example.org');"
                + "INSERT INTO p_1.members (user_id) VALUES (1), (2);"
                + "INSERT INTO p_1.boards (name, created_by) VALUES ('b', 2);"
                + "INSERT INTO p_1.tasks (board_id, title, assignee_id) VALUES (1, 't', 2);"
                + "INSERT INTO p_1.watchers (task_id, user_id) VALUES (1, 1), (1, 2);"
                + "DELETE FROM shared.users WHERE id = 2");
        assertEquals(1, db.count("SELECT count(*) FROM p_1.members"));
        assertEquals(1, db.count("SELECT count(*) FROM p_1.tasks WHERE assignee_id IS NULL"));
        assertEquals(1, db.count("SELECT count(*) FROM p_1.boards WHERE created_by IS NULL"));
        assertEquals(1, db.count("SELECT count(*) FROM p_1.watchers"));
    }
}
