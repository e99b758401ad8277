package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Comments on the schema, sequences and view / materialized view columns (the other kinds' are tested with them). */
class SchemaCommentsTest {
    static KindHarness h;
    static final String T = "CREATE TABLE {schema}.t (id integer PRIMARY KEY, a text);";
    static final String S = "CREATE SEQUENCE {schema}.s;";
    static final String V = "CREATE VIEW {schema}.v AS SELECT id, a FROM {schema}.t;";

    @BeforeAll
    static void setUp() throws Exception {
        h = new KindHarness("tnkdb_note");
    }

    @AfterAll
    static void tearDown() throws Exception {
        h.close();
    }

    static String comment(String sql) {
        try (var c = h.db.ds.getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void schemaComment() throws Exception {
        var o = h.converge(null, T + "COMMENT ON SCHEMA {schema} IS 'a project';", "safe", "comment");
        assertEquals("a project", comment("SELECT obj_description('" + o.schema() + "'::regnamespace, 'pg_namespace')"));
        h.converge(T + "COMMENT ON SCHEMA {schema} IS 'old';", T + "COMMENT ON SCHEMA {schema} IS 'new';", "safe", "comment");
        var gone = h.converge(T + "COMMENT ON SCHEMA {schema} IS 'old';", T, "safe", "comment");
        assertEquals("COMMENT ON SCHEMA {schema} IS NULL;\n", gone.script());
    }

    @Test
    void sequenceComment() throws Exception {
        var o = h.converge(T + S, T + S + "COMMENT ON SEQUENCE {schema}.s IS 'ticket numbers';", "safe", "comment");
        assertEquals("ticket numbers", comment("SELECT obj_description('" + o.schema() + ".s'::regclass, 'pg_class')"));
        h.converge(T + S + "COMMENT ON SEQUENCE {schema}.s IS 'x';", T + S, "safe", "comment");
        var n = h.converge(T, T + S + "COMMENT ON SEQUENCE {schema}.s IS 'new one';", "safe", "new sequence");
        assertTrue(n.script().indexOf("CREATE SEQUENCE") < n.script().indexOf("COMMENT ON SEQUENCE"), n.script());
    }

    @Test
    void droppedSequenceTakesItsComment() throws Exception {
        var o = h.converge(T + S + "COMMENT ON SEQUENCE {schema}.s IS 'x';", T, "destructive", "sequence not in the model");
        assertTrue(!o.script().contains("COMMENT"), o.script());
    }

    @Test
    void viewColumnComments() throws Exception {
        String c = "COMMENT ON COLUMN {schema}.v.a IS 'the a';";
        var o = h.converge(T + V, T + V + c, "safe", "comment");
        assertEquals("COMMENT ON COLUMN {schema}.\"v\".\"a\" IS 'the a';\n", o.script());
        // the view is re-created: its column's comment is set again
        var r = h.converge(T + V + c, T + V.replace("SELECT id, a", "SELECT a, id") + c, "safe", "comment");
        assertTrue(r.script().indexOf("CREATE VIEW") < r.script().indexOf("COMMENT ON COLUMN"), r.script());
        // re-created because a column it reads changes type
        h.converge(T + V + c, T.replace("a text", "a varchar(20)") + V + c, "safe,locking", "comment");
        h.converge(T + V + c, T + V, "safe", "comment");
    }

    @Test
    void materializedViewColumnComment() throws Exception {
        String mv = "CREATE MATERIALIZED VIEW {schema}.mv AS SELECT id, a FROM {schema}.t;";
        var o = h.converge(T, T + mv + "COMMENT ON COLUMN {schema}.mv.a IS 'cached a';", "safe", "comment");
        assertEquals("cached a", comment("SELECT col_description('" + o.schema() + ".mv'::regclass, 2)"));
    }
}
