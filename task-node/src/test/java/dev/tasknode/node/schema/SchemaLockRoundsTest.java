package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.db.SchemaLocks;
import dev.tasknode.node.schema.apply.FleetApplier;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * apply locks a fleet in bounded rounds (tasknode.schema.advisory-lock-round): never more locks at once than a round,
 * every schema migrated and checked, each change set validated once, and a schema another session holds reported busy.
 */
class SchemaLockRoundsTest {
    static SchemaTestDb db;
    static final String V1 = "CREATE TABLE {schema}.items (id bigint PRIMARY KEY, title text NOT NULL DEFAULT '');";
    static final String V2 = V1 + "\nCREATE INDEX items_title_idx ON {schema}.items (title);";
    static final List<String> IDS = List.of("a", "b", "c", "d", "e");

    @BeforeAll
    static void setUp() throws Exception {
        db = new SchemaTestDb("tn_lockrounds");
        db.props.setAdvisoryLockRound(2);
        SchemaTestDb.Wiring v1 = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V1));
        SchemaFleetTest.create(v1, Scope.SHARED);
        for (String id : IDS) {
            SchemaFleetTest.create(v1, new Scope.Project(id));
        }
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void roundsOfLocksMigrateTheWholeFleet() throws Exception {
        SchemaTestDb.Wiring v2 = db.wire(SchemaCorpusTest.model(SchemaCorpusTest.SHARED, V2));
        AtomicInteger most = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread watcher = Thread.ofPlatform().start(() -> { // our advisory locks held at any moment, by any session
            try (Connection c = own(); var ps = c.prepareStatement("SELECT count(*) FROM pg_locks "
                    + "WHERE locktype = 'advisory' AND classid = " + Integer.toUnsignedString(SchemaLocks.LOCK_CLASS)
                    + "::bigint::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                while (!stop.get()) {
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        most.accumulateAndGet(rs.getInt(1), Math::max);
                    }
                }
            } catch (Exception e) {
                most.set(-1);
            }
        });
        Results.ApplyReport r;
        SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of());
        try (Connection other = own()) {
            assertTrue(SchemaLocks.tryLock(other, "p_d"), "another session holds p_d");
            db.props.setAdvisoryLockWait(java.time.Duration.ofMillis(300));
            r = v2.applier().run(ctx, Scope.ALL, new FleetApplier.Options("apply_migrations", false, false, false, null, false));
        } finally {
            stop.set(true);
            watcher.join();
            db.props.setAdvisoryLockWait(java.time.Duration.ofSeconds(60));
        }
        Map<String, String> outcomes = new java.util.TreeMap<>();
        r.outcomes().forEach(o -> outcomes.put(o.schema(), o.outcome()));
        assertEquals(Map.of("p_a", "applied", "p_b", "applied", "p_c", "applied", "p_d", "busy", "p_e", "applied",
                "shared", "unchanged"), outcomes, String.join("\n", ctx.lines));
        assertEquals(1, r.failed());
        assertTrue(most.get() >= 1 && most.get() <= 3, "at most one round (2) of locks plus the other session's, saw " + most.get());
        List<String> rounds = ctx.lines.stream().filter(l -> l.contains("locking")).toList();
        assertEquals(3, rounds.size(), String.join("\n", ctx.lines));
        assertTrue(rounds.getFirst().contains("schemas 1-2 of 5"), rounds.getFirst());
        assertEquals(1, ctx.lines.stream().filter(l -> l.contains("run on a scratch copy")).count(),
                "the one change set is validated once, in the first round:\n" + String.join("\n", ctx.lines));
        for (String id : List.of("a", "b", "c", "e")) {
            assertEquals(1, db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'p_" + id
                    + "' AND indexname = 'items_title_idx'"), id);
        }
        assertEquals(0, db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'p_d' AND indexname = 'items_title_idx'"));
    }

    /** A connection outside the test database's small pool, which the apply needs. */
    private static Connection own() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(db.ds.getJdbcUrl(), db.ds.getUsername(), db.ds.getPassword());
    }
}
