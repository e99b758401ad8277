package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Materialized views with their indexes: create, indexes in place, re-create (indexes and comments follow). */
class SchemaMatviewsTest {
    static KindHarness h;
    static final String T = "CREATE TABLE {schema}.t (id integer PRIMARY KEY, a text, n integer);";
    static final String MV = "CREATE MATERIALIZED VIEW {schema}.mv AS SELECT id, a, n FROM {schema}.t WHERE n > 0;";
    static final String UX = "CREATE UNIQUE INDEX mv_id ON {schema}.mv (id);";

    @BeforeAll
    static void setUp() throws Exception {
        h = new KindHarness("tnkdb_mv");
    }

    @AfterAll
    static void tearDown() throws Exception {
        h.close();
    }

    static long indexes(String schema) {
        return h.db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema + "' AND tablename = 'mv'");
    }

    @Test
    void newMaterializedViewWithIndexesAndComments() throws Exception {
        var o = h.converge(T, T + MV + UX + "CREATE INDEX mv_a ON {schema}.mv (lower(a)) WHERE n > 1;"
                + "COMMENT ON MATERIALIZED VIEW {schema}.mv IS 'positive rows'; COMMENT ON INDEX {schema}.mv_id IS 'for REFRESH CONCURRENTLY';",
                "safe", "index of materialized view");
        assertEquals(2, indexes(o.schema()));
        h.db.exec("REFRESH MATERIALIZED VIEW CONCURRENTLY " + o.schema() + ".mv"); // the unique index is usable
    }

    @Test
    void indexAddedAndDroppedInPlace() throws Exception {
        var o = h.converge(T + MV, T + MV + UX, "safe", "small table");
        assertTrue(!o.script().contains("DROP MATERIALIZED VIEW"), o.script());
        h.converge(T + MV + UX, T + MV, "destructive", "index not in the model");
        h.converge(T + MV + UX, T + MV + UX.replace("(id)", "(id, n)"), "safe", "re-created");
    }

    @Test
    void changedDefinitionRecreatesWithIndexes() throws Exception {
        String c = "COMMENT ON INDEX {schema}.mv_id IS 'key';";
        var o = h.converge(T + MV + UX + c, T + MV.replace("n > 0", "n > 1") + UX + c, "safe,locking", "re-created and re-filled");
        assertEquals(1, indexes(o.schema()));
    }

    @Test
    void recreatedWhenATableColumnItReadsChangesType() throws Exception {
        var o = h.converge(T + MV + UX, T.replace("n integer", "n bigint") + MV + UX, "safe,locking", "re-created");
        String s = o.script();
        assertTrue(s.indexOf("DROP MATERIALIZED VIEW") < s.indexOf("TYPE bigint") && s.indexOf("TYPE bigint") < s.indexOf("CREATE MATERIALIZED VIEW"), s);
        assertEquals(1, indexes(o.schema()));
    }

    @Test
    void materializedViewDropped() throws Exception {
        h.converge(T + MV + UX, T, "destructive", "view not in the model");
    }

    @Test
    void withNoDataConverges() throws Exception {
        // populated or not is data, not shape: the engine creates it filled; the model's WITH NO DATA changes nothing after
        var o = h.converge(T, T + MV.replace(";", " WITH NO DATA;"), "safe", "new view");
        Results.Proposal again = h.db.wire(KindHarness.model(KindHarness.SHARED, T + MV)).reports()
                .propose(new Scope.Project(o.id())).proposal();
        assertEquals(0, again.toChange());
    }
}
