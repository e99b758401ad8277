package dev.tasknode.node.schema.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The dependency graph's rules on hand-made steps (no database: the order is the graph's alone). */
class GraphTest {
    private static Step s(int phase, String sql) {
        return Step.safe(phase, sql, sql, "test", false);
    }

    private static List<String> order(Step... steps) {
        return new Plan(List.of(steps)).steps().stream().map(Step::sql).toList();
    }

    @Test
    void stepsWithoutKeysKeepPhaseThenDiffOrder() {
        assertEquals(List.of("a", "b", "c", "d"), order(s(Phase.CREATE_INDEX, "c"), s(Phase.CREATE_TABLE, "a"),
                s(Phase.CREATE_TABLE, "b"), s(Phase.DROP_TABLE, "d")));
    }

    @Test
    void createsGoBasesFirstEvenAgainstPhase() {
        // the foreign key's phase comes before indexes; it depends on the unique index, so it follows it
        Step fk = s(Phase.ADD_FOREIGN_KEY, "fk").withCreates(Key.constraint("u", "fk")).withDependsOn(Key.index("t_code"));
        Step idx = s(Phase.CREATE_INDEX, "idx").withCreates(Key.index("t_code")).withDependsOn(Key.column("t", "code"));
        Step col = s(Phase.ADD_COLUMN, "col").withCreates(Key.column("t", "code"));
        Step other = s(Phase.ADD_FOREIGN_KEY + 1, "other");
        assertEquals(List.of("col", "other", "idx", "fk"), order(fk, idx, col, other));
    }

    @Test
    void dropsGoDependentsFirst() {
        Step base = s(Phase.DROP_VIEW, "drop base").withDrops(Key.view("base"));
        Step top = s(Phase.DROP_VIEW, "drop top").withDrops(Key.view("top")).withDependsOn(Key.view("base"));
        Step key = s(Phase.DROP_CONSTRAINT, "drop key").withDrops(Key.constraint("t", "t_pkey"), Key.index("t_pkey"));
        Step fk = s(Phase.DROP_FOREIGN_KEY + 3, "drop fk").withDrops(Key.constraint("u", "u_t_fkey"))
                .withDependsOn(Key.constraint("t", "t_pkey"));
        assertEquals(List.of("drop top", "drop base", "drop fk", "drop key"), order(base, top, key, fk));
    }

    @Test
    void dependentsAreDroppedBeforeAndCreatedAfterAReshapedColumn() {
        Step type = s(Phase.ENUM, "alter type").withReshapes(Key.column("t", "status"));
        Step drop = s(Phase.DROP_VIEW, "drop view").withDrops(Key.view("v")).withDependsOn(Key.table("t"));
        Step create = s(Phase.CREATE_VIEW, "create view").withCreates(Key.view("v")).withDependsOn(Key.table("t"));
        Step comment = s(Phase.COMMENT, "comment").withDependsOn(Key.view("v"));
        assertEquals(List.of("drop view", "alter type", "create view", "comment"), order(create, comment, type, drop));
    }

    @Test
    void aDropComesBeforeTheCreateOfTheSameNameAndAltersOfOneKeyKeepTheirOrder() {
        Step dropSeq = s(Phase.DROP_SEQUENCE, "drop seq").withDrops(Key.sequence("t_id_seq"));
        Step dropDefault = s(Phase.ALTER_COLUMN_PRE, "drop default").withDrops(Key.columnDefault("t", "id"))
                .withDependsOn(Key.column("t", "id"), Key.sequence("t_id_seq"));
        Step identity = s(Phase.ALTER_COLUMN_POST + 1, "add identity").withAlters(Key.column("t", "id"))
                .withCreates(Key.sequence("t_id_seq"));
        Step notNull = s(Phase.ALTER_COLUMN, "set not null").withAlters(Key.column("t", "id"));
        assertEquals(List.of("drop default", "set not null", "drop seq", "add identity"),
                order(identity, dropSeq, notNull, dropDefault));
    }

    @Test
    void aCycleNamesTheObjectsOnIt() {
        Step a = s(Phase.CREATE_VIEW, "CREATE VIEW a").withCreates(Key.view("a")).withDependsOn(Key.view("b"));
        Step b = s(Phase.CREATE_VIEW, "CREATE VIEW b").withCreates(Key.view("b")).withDependsOn(Key.view("a"));
        Step c = s(Phase.CREATE_TABLE, "CREATE TABLE c").withCreates(Key.table("c"));
        Graph.CycleException e = assertThrows(Graph.CycleException.class, () -> order(a, b, c));
        assertTrue(e.getMessage().contains("view:a (CREATE VIEW a)") && e.getMessage().contains("view:b (CREATE VIEW b)")
                && !e.getMessage().contains("table:c"), e.getMessage());
    }
}
