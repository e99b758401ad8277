package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.tasks.ApplyMigrationsTask;
import dev.tasknode.node.schema.tasks.ProposeMigrationsTask;
import dev.tasknode.node.schema.tasks.SchemaStatusTask;
import dev.tasknode.node.task.TaskFailedException;
import dev.tasknode.node.task.TaskOutcome;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A mixed fleet: two schemas up to date, two behind (created from an older model), one ahead (a column the model
 * does not have), one hand-edited (another default). Then a partial failure, dry run and expect.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaFleetTest {
    static SchemaTestDb db;
    static final String V1 = """
            CREATE TABLE {schema}.items (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                title text NOT NULL DEFAULT '',
                owner bigint REFERENCES {shared}.users (id));
            """;
    static final String V2 = V1.replace("owner bigint", "note text, owner bigint")
            + "CREATE INDEX items_owner_idx ON {schema}.items (owner) WHERE owner IS NOT NULL;";
    static SchemaTestDb.Wiring v1;
    static SchemaTestDb.Wiring v2;

    @BeforeAll
    static void setUp() throws Exception {
        db = new SchemaTestDb("schema_fleet");
        v1 = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V1));
        v2 = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V2));
        create(v2, Scope.SHARED);
        db.exec("INSERT INTO shared.users VALUES (1, 'a@b')");
        for (String id : List.of("up1", "up2", "ahead", "edited")) {
            create(v2, new Scope.Project(id));
        }
        for (String id : List.of("old1", "old2")) {
            create(v1, new Scope.Project(id));
        }
        db.exec("ALTER TABLE p_ahead.items ADD COLUMN extra integer; ALTER TABLE p_edited.items ALTER COLUMN title SET DEFAULT 'x'");
        db.exec("INSERT INTO p_old1.items (title, owner) VALUES ('t', 1), ('u', NULL)");
    }

    static void create(SchemaTestDb.Wiring w, Scope scope) throws Exception {
        Results.ApplyReport r = w.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of()), scope,
                new FleetApplier.Options("create_tables", false, false, false, null, true));
        assertEquals(0, r.failed());
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static Map<String, String> states(Results.Status s) {
        return s.schemaStates().stream().collect(Collectors.toMap(Results.SchemaState::schema, Results.SchemaState::state));
    }

    @Test
    @Order(1)
    void proposeGroupsTheFleetAndStatusTellsBehindFromDrifted() throws Exception {
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("propose_migrations", Map.of());
        TaskOutcome out = new ProposeMigrationsTask(v2.reports()).run(ctx);
        Results.Proposal p = (Results.Proposal) out.result();
        assertEquals(7, p.schemas());
        assertEquals(3, p.upToDate());
        assertEquals(3, p.changeSets().size(), SchemaCorpusTest.json(p));
        Results.ChangeSet behind = p.changeSets().stream().filter(c -> c.schemaCount() == 2).findFirst().orElseThrow();
        assertEquals(List.of("p_old1", "p_old2"), behind.schemas());
        assertTrue(behind.script().contains("ADD COLUMN \"note\" text"), behind.script());
        assertTrue(behind.script().contains("CREATE INDEX items_owner_idx ON {schema}.items"), behind.script());
        assertTrue(ctx.text().contains("ADD COLUMN \"note\""), "the log shows the SQL");

        Results.Status s = (Results.Status) new SchemaStatusTask(v2.reports())
                .run(new SchemaTestDb.Ctx("schema_status", Map.of())).result();
        Map<String, String> st = states(s);
        assertEquals("up_to_date", st.get("p_up1"));
        assertEquals("up_to_date", st.get("shared"));
        assertEquals("pending", st.get("p_old1"));
        assertEquals("drifted", st.get("p_ahead"));
        assertEquals("drifted", st.get("p_edited"));
        assertEquals(2.0, v2.registry().get("tasknode.schemas").tag("state", "drifted").gauge().value());
        assertEquals(2.0, v2.registry().get("tasknode.schemas").tag("state", "pending").gauge().value());
    }

    @Test
    @Order(2)
    void expectRefusesAStaleProposalAndDryRunChangesNothing() throws Exception {
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of("expect", "0000000000000000"));
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> new ApplyMigrationsTask(v2.applier()).run(ctx));
        assertEquals(ErrorCode.CONFLICT, e.error().code());

        SchemaTestDb.Ctx dry = new SchemaTestDb.Ctx("apply_migrations", Map.of("dry_run", true));
        TaskOutcome out = new ApplyMigrationsTask(v2.applier()).run(dry);
        Results.ApplyReport r = (Results.ApplyReport) out.result();
        assertTrue(r.dryRun());
        assertEquals(4, r.changed());
        assertEquals(0, db.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'p_old1' AND column_name = 'note'"));
    }

    @Test
    @Order(3)
    void applyMigratesBehindAndEditedSkipsDestructiveThenAllowsIt() throws Exception {
        String fp = v2.reports().propose(Scope.ALL).proposal().fingerprint();
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of("expect", fp));
        TaskOutcome out = new ApplyMigrationsTask(v2.applier()).run(ctx);
        Results.ApplyReport r = (Results.ApplyReport) out.result();
        Map<String, Results.SchemaOutcome> by = r.outcomes().stream()
                .collect(Collectors.toMap(Results.SchemaOutcome::schema, o -> o));
        assertEquals(TaskStatus.SUCCEEDED, out.status(), ctx.text());
        assertEquals("applied", by.get("p_old1").outcome());
        assertEquals(Boolean.TRUE, by.get("p_old1").matchesModel());
        assertEquals(Boolean.TRUE, by.get("p_edited").matchesModel());
        assertEquals("skipped", by.get("p_ahead").outcome());
        assertEquals(1, by.get("p_ahead").skipped().size());
        assertTrue(by.get("p_ahead").skipped().getFirst().contains("DROP COLUMN \"extra\""));
        assertEquals(1, db.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'p_ahead' AND column_name = 'extra'"));
        assertEquals(2, db.count("SELECT count(*) FROM p_old1.items"), "data kept");

        out = new ApplyMigrationsTask(v2.applier()).run(new SchemaTestDb.Ctx("apply_migrations",
                Map.of("param", "ahead", "allow_destructive", true)));
        r = (Results.ApplyReport) out.result();
        assertEquals(TaskStatus.SUCCEEDED, out.status());
        assertEquals(Boolean.TRUE, r.outcomes().getFirst().matchesModel());
        assertEquals(0, v2.reports().propose(Scope.ALL).proposal().toChange(), "the invariant over the whole fleet");
    }

    @Test
    @Order(4)
    void oneSchemaFailingDoesNotStopTheOthersAndIsReportedPartial() throws Exception {
        SchemaTestDb.Wiring v3 = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED,
                V2.replace("note text", "note text NOT NULL DEFAULT 'n'").replace("owner bigint", "owner bigint NOT NULL")));
        // p_old1 has a row without owner: SET NOT NULL would fail there, the data check says so before any DDL
        Results.Proposal p = v3.reports().propose(Scope.ALL).proposal();
        List<Results.CheckFinding> f = p.changeSets().stream().flatMap(c -> c.findings().stream()).toList();
        assertTrue(f.stream().allMatch(x -> x.schema().equals("p_old1")), f.toString());
        // owner: 1 row with NULL; note: 2 rows with NULL
        assertEquals(List.of(1L, 2L), f.stream().map(Results.CheckFinding::count).sorted().toList());

        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of());
        TaskOutcome out = new ApplyMigrationsTask(v3.applier()).run(ctx);
        Results.ApplyReport r = (Results.ApplyReport) out.result();
        assertEquals(TaskStatus.PARTIAL, out.status(), ctx.text());
        assertEquals(7, r.outcomes().size());
        assertEquals(1, r.failed(), SchemaCorpusTest.json(r));
        Results.SchemaOutcome bad = r.outcomes().stream().filter(o -> o.schema().equals("p_old1")).findFirst().orElseThrow();
        assertEquals("failed", bad.outcome());
        assertTrue(bad.error().contains("rows with NULL"), bad.error());
        assertEquals(5, r.changed());
        assertFalse(r.allMatchModel());

        Results.Status s = v3.reports().status(Scope.ALL);
        assertEquals("failed", states(s).get("p_old1"));
        assertEquals(1.0, v3.registry().get("tasknode.schemas").tag("state", "failed").gauge().value());
        assertEquals(1, db.count("SELECT count(*) FROM tasknode.schema_history WHERE schema_name = 'p_old1' AND outcome = 'failed'"));
    }
}
