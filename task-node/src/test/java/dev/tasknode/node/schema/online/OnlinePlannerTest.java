package dev.tasknode.node.schema.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.Extras;
import dev.tasknode.node.schema.inspect.SchemaObjects;
import dev.tasknode.node.schema.online.OnlinePlan.Form;
import dev.tasknode.node.schema.online.OnlinePlan.Item;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The online stage on plans as the planner renders them; no database needed. */
class OnlinePlannerTest {
    static final String T = "{schema}.\"t\"";

    static Catalog.Schema schema(long rows, Map<String, Catalog.Constraint> constraints, Map<String, Catalog.Index> indexes) {
        Catalog.Table t = new Catalog.Table("t", List.of(), new TreeMap<>(constraints), new TreeMap<>(indexes), null);
        TreeMap<String, Catalog.Table> tables = new TreeMap<>(Map.of("t", t,
                "parent", new Catalog.Table("parent", List.of(), new TreeMap<>(), new TreeMap<>(), null)));
        return new Catalog.Schema("p_1", true, tables, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeSet<>(),
                Map.of("t", rows), Catalog.Storage.empty(), SchemaObjects.empty(), Extras.empty());
    }

    static Step locking(int phase, String sql, String object) {
        return new Step(phase, sql, Safety.LOCKING, "planned reason", object, false, null);
    }

    static final Step INDEX = locking(Phase.CREATE_INDEX, "CREATE INDEX t_a_idx ON {schema}.t USING btree (a)", "index t_a_idx");
    static final Step FK = locking(Phase.ADD_FOREIGN_KEY, "ALTER TABLE " + T + " ADD CONSTRAINT \"t_p_fkey\" FOREIGN KEY "
            + "(parent_id) REFERENCES {schema}.parent(id)", "constraint t.t_p_fkey");
    static final Step CHECK = locking(Phase.ADD_CONSTRAINT, "ALTER TABLE " + T + " ADD CONSTRAINT \"t_a_check\" CHECK ((a >= 0))",
            "constraint t.t_a_check").withCheck(new Step.Check("rows violating the check", "SELECT 0"));
    static final Step NOT_NULL = locking(Phase.ALTER_COLUMN, "ALTER TABLE " + T + " ALTER COLUMN \"b\" SET NOT NULL", "column t.b")
            .withCheck(new Step.Check("rows with NULL", "SELECT 0"));
    static final Step UNIQUE = locking(Phase.ADD_CONSTRAINT, "ALTER TABLE " + T + " ADD CONSTRAINT \"t_b_key\" UNIQUE (b)",
            "constraint t.t_b_key");
    static final Step TYPE = locking(Phase.ALTER_COLUMN, "ALTER TABLE " + T + " ALTER COLUMN \"c\" TYPE bigint USING \"c\"::bigint",
            "column t.c");
    static final Step COMMENT = Step.safe(Phase.COMMENT, "COMMENT ON INDEX {schema}.\"t_a_idx\" IS 'x'", "index t_a_idx", "comment", false);
    static final Step UNKNOWN = new Step(Phase.CREATE_VIEW + 1, "CREATE POLICY p ON {schema}.\"t\" USING (true)", Safety.LOCKING,
            "a kind this stage does not know", "policy p", false, null);

    static OnlinePlan rewrite(Catalog.Schema cur, OnlineMode mode, Step... steps) {
        return OnlinePlanner.rewrite(new Plan(List.of(steps)), cur, cur, Map.of(), mode, 1000);
    }

    static List<String> sqls(List<Item> items) {
        return items.stream().map(Item::sql).toList();
    }

    @Test
    void largeTableGetsEveryOnlineFormInTwoPhases() {
        OnlinePlan p = rewrite(schema(5000, Map.of(), Map.of()), OnlineMode.AUTO, INDEX, FK, CHECK, NOT_NULL, UNIQUE, COMMENT);
        assertThat(sqls(p.transactional())).containsExactly(
                "ALTER TABLE " + T + " ADD CONSTRAINT \"tasknode_nn_b\" CHECK (\"b\" IS NOT NULL) NOT VALID",
                CHECK.sql() + " NOT VALID",
                FK.sql() + " NOT VALID");
        assertThat(sqls(p.online())).containsExactly(
                "ALTER TABLE " + T + " VALIDATE CONSTRAINT \"tasknode_nn_b\"",
                NOT_NULL.sql() + ";\nALTER TABLE " + T + " DROP CONSTRAINT \"tasknode_nn_b\"",
                "ALTER TABLE " + T + " VALIDATE CONSTRAINT \"t_a_check\"",
                "CREATE UNIQUE INDEX CONCURRENTLY \"t_b_key\" ON " + T + " USING btree (b)",
                "ALTER TABLE " + T + " ADD CONSTRAINT \"t_b_key\" UNIQUE USING INDEX \"t_b_key\"",
                "ALTER TABLE " + T + " VALIDATE CONSTRAINT \"t_p_fkey\"",
                "CREATE INDEX CONCURRENTLY t_a_idx ON {schema}.t USING btree (a)",
                COMMENT.sql()); // needs the index: after it, not in the transaction
        assertThat(p.online().getLast().form()).isEqualTo(Form.DEFERRED);
        assertThat(p.online().get(6).concurrent()).isTrue();
        assertThat(p.online().get(6).lock()).startsWith("SHARE UPDATE EXCLUSIVE on t");
        assertThat(p.online().get(5).lock()).isEqualTo("SHARE UPDATE EXCLUSIVE on t, ROW SHARE on parent (writes go on)");
        assertThat(p.count(Safety.LOCKING)).isZero();
        // the data checks survive the rewrite and still run first
        assertThat(p.checks().stream().filter(s -> s.check() != null).map(s -> s.check().description()))
                .containsExactlyInAnyOrder("rows with NULL", "rows violating the check");
    }

    @Test
    void smallTableOrNeverKeepsThePlannedStatementsAndSaysWhyTheyLock() {
        for (OnlinePlan p : List.of(rewrite(schema(10, Map.of(), Map.of()), OnlineMode.AUTO, INDEX, FK, NOT_NULL),
                rewrite(schema(5000, Map.of(), Map.of()), OnlineMode.NEVER, INDEX, FK, NOT_NULL))) {
            assertThat(p.online()).isEmpty();
            assertThat(sqls(p.transactional())).containsExactly(NOT_NULL.sql(), FK.sql(), INDEX.sql());
            assertThat(p.transactional()).allSatisfy(i -> assertThat(i.reason()).contains("not online: "));
        }
        assertThat(rewrite(schema(10, Map.of(), Map.of()), OnlineMode.AUTO, INDEX).transactional().getFirst().reason())
                .endsWith("not online: table below large-table-rows (1000)");
        assertThat(rewrite(schema(5000, Map.of(), Map.of()), OnlineMode.NEVER, INDEX).transactional().getFirst().reason())
                .endsWith("not online: online=never");
        Step withOptions = locking(Phase.ADD_CONSTRAINT, "ALTER TABLE " + T + " ADD CONSTRAINT \"t_b_key\" UNIQUE (b) WITH (fillfactor='70')",
                "constraint t.t_b_key");
        assertThat(rewrite(schema(5000, Map.of(), Map.of()), OnlineMode.AUTO, withOptions).transactional().getFirst().reason())
                .endsWith("not online: this shape has no online form (options the online forms cannot keep)");
        OnlinePlan always = rewrite(schema(10, Map.of(), Map.of()), OnlineMode.ALWAYS, INDEX);
        assertThat(always.online()).singleElement().extracting(Item::form).isEqualTo(Form.CONCURRENTLY);
    }

    @Test
    void whatHasNoOnlineFormAndUnknownKindsStayInTheTransaction() {
        OnlinePlan p = rewrite(schema(5000, Map.of(), Map.of()), OnlineMode.ALWAYS, TYPE, UNKNOWN);
        assertThat(p.online()).isEmpty();
        assertThat(p.transactional()).extracting(Item::safety).containsOnly(Safety.LOCKING);
        assertThat(p.transactional().getFirst().reason()).contains("not online: a type change that rewrites the table");
        assertThat(p.transactional().getFirst().lock()).isEqualTo("ACCESS EXCLUSIVE on t");
        assertThat(p.transactional().get(1).sql()).isEqualTo(UNKNOWN.sql());
    }

    @Test
    void whatAnInterruptedRunLeftIsFinishedNotRedone() {
        // the transaction committed (FK and helper check NOT VALID), the validations did not run
        Catalog.Schema cur = schema(5000, Map.of(
                "t_p_fkey", new Catalog.Constraint("t_p_fkey", 'f', "FOREIGN KEY (parent_id) REFERENCES {schema}.parent(id) NOT VALID",
                        List.of("parent_id"), null),
                "tasknode_nn_b", new Catalog.Constraint("tasknode_nn_b", 'c', "CHECK ((b IS NOT NULL)) NOT VALID", List.of("b"), null)),
                Map.of("t_a_idx", new Catalog.Index("t_a_idx", "k", null, false, false, null)));
        Step dropFk = Step.safe(Phase.DROP_FOREIGN_KEY, "ALTER TABLE " + T + " DROP CONSTRAINT \"t_p_fkey\"", "constraint t.t_p_fkey",
                "re-added with the new definition below", false);
        Step dropHelper = new Step(Phase.DROP_CONSTRAINT, "ALTER TABLE " + T + " DROP CONSTRAINT \"tasknode_nn_b\"",
                Safety.DESTRUCTIVE, "constraint not in the model", "constraint t.tasknode_nn_b", false, null);
        Catalog.Index want = new Catalog.Index("t_a_idx", "k", "CREATE INDEX t_a_idx ON {schema}.t USING btree (a)", false, false, null);
        Catalog.Table wt = new Catalog.Table("t", List.of(), new TreeMap<>(), new TreeMap<>(Map.of("t_a_idx", want)), null);
        Catalog.Schema desired = new Catalog.Schema("p_1", true, new TreeMap<>(Map.of("t", wt)), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(), new TreeSet<>(), Map.of(), Catalog.Storage.empty(), SchemaObjects.empty(), Extras.empty());
        OnlinePlan p = OnlinePlanner.rewrite(new Plan(List.of(dropFk, dropHelper, NOT_NULL, FK)), cur, desired,
                Map.of("t_a_idx", "t"), OnlineMode.NEVER, 1000);
        assertThat(p.transactional()).isEmpty();
        assertThat(sqls(p.online())).containsExactlyInAnyOrder(
                "CREATE INDEX CONCURRENTLY t_a_idx ON {schema}.t USING btree (a)", // the invalid one is dropped first
                "ALTER TABLE " + T + " VALIDATE CONSTRAINT \"tasknode_nn_b\"",
                NOT_NULL.sql() + ";\nALTER TABLE " + T + " DROP CONSTRAINT \"tasknode_nn_b\"",
                "ALTER TABLE " + T + " VALIDATE CONSTRAINT \"t_p_fkey\"");
        assertThat(p.online().getFirst().index()).isEqualTo("t_a_idx");
        assertThat(p.count(Safety.DESTRUCTIVE)).isZero(); // the helper's drop is part of SET NOT NULL, not a destructive drop
    }

    @Test
    void aDropOnlineStaysInTheTransactionWhenALaterStatementThereNeedsTheNameFree() {
        Catalog.Schema cur = schema(5000, Map.of(), Map.of("t_x", new Catalog.Index("t_x", "k", null, false, false, null)));
        Step drop = Step.safe(Phase.DROP_INDEX, "DROP INDEX {schema}.\"t_x\"", "index t_x", "re-created", false);
        Step excl = locking(Phase.ADD_CONSTRAINT, "ALTER TABLE " + T + " ADD CONSTRAINT \"t_x\" EXCLUDE USING gist (r WITH &&)",
                "constraint t.t_x");
        OnlinePlan p = rewrite(cur, OnlineMode.AUTO, drop, excl);
        assertThat(p.online()).isEmpty();
        assertThat(sqls(p.transactional())).containsExactly(drop.sql(), excl.sql());
        assertThat(p.transactional().get(1).reason()).contains("not online: an exclusion constraint cannot be built concurrently");
    }
}
