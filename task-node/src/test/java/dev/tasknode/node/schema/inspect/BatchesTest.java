package dev.tasknode.node.schema.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.node.schema.SchemaTestDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batches read at once give the same catalogs, in the same order, as one batch after the other. */
class BatchesTest {
    static SchemaTestDb db;
    static final List<String> SCHEMAS = new ArrayList<>();

    @BeforeAll
    static void fleet() throws SQLException {
        db = new SchemaTestDb("tn_batches");
        // three batches and a bit; every 7th schema differs, so the fingerprints are not all one
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < 2 * Batches.SIZE + 37; i++) {
            String s = "p_" + i;
            SCHEMAS.add(s);
            sql.append("CREATE SCHEMA ").append(s).append("; CREATE TABLE ").append(s)
                    .append(".t (id bigint PRIMARY KEY, name text").append(i % 7 == 0 ? ", extra int" : "")
                    .append("); COMMENT ON TABLE ").append(s).append(".t IS 'n").append(i % 3).append("';\n");
        }
        SCHEMAS.add("p_absent");
        try (Connection c = db.ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql.toString());
        }
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @Test
    void parallelReadsEqualSequentialOnesInOrder() throws SQLException {
        Map<String, String> one = read(1);
        Map<String, String> three = read(3);
        assertEquals(SCHEMAS, List.copyOf(three.keySet()), "every schema, in the order asked");
        assertEquals(one, three);
        assertEquals("absent", three.get("p_absent"));
        assertTrue(three.get("p_21").equals(three.get("p_0")) && !three.get("p_1").equals(three.get("p_0")),
                "fingerprints follow the catalogs");
        assertFalse(three.get("p_1").equals(three.get("p_2")), "comments count");
    }

    @Test
    void aFailingBatchFailsTheRead() {
        List<Integer> seen = new ArrayList<>();
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = db.ds.getConnection()) {
                Batches.inspect(c, db.ds, SCHEMAS, "shared", Set.of(), CatalogInspector.Detail.FULL, 2, batch -> {
                    seen.add(batch.size());
                    if (seen.size() == 2) {
                        throw new SQLException("sink refused");
                    }
                });
            }
        });
        assertEquals("sink refused", e.getMessage());
        assertEquals(List.of(Batches.SIZE, Batches.SIZE), seen, "batches arrive in order, the read stops at the failure");
    }

    private static Map<String, String> read(int parallel) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.ds.getConnection()) {
            Batches.inspect(c, db.ds, SCHEMAS, "shared", Set.of(), CatalogInspector.Detail.FULL, parallel,
                    batch -> batch.forEach((k, v) -> out.put(k, v.exists() ? v.fingerprint() : "absent")));
        }
        return out;
    }
}
