package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Declarative partitioning: partitioned tables, partitions (also DEFAULT), their indexes and keys. */
class SchemaPartitionsTest {
    static KindHarness h;
    static final String M = "CREATE TABLE {schema}.m (id bigint NOT NULL, at date NOT NULL, v text,"
            + " PRIMARY KEY (id, at)) PARTITION BY RANGE (at);";
    static final String Y24 = "CREATE TABLE {schema}.m_2024 PARTITION OF {schema}.m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
    static final String Y25 = "CREATE TABLE {schema}.m_2025 PARTITION OF {schema}.m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');";
    static final String DEF = "CREATE TABLE {schema}.m_other PARTITION OF {schema}.m DEFAULT;";
    static final String IX = "CREATE INDEX m_v_idx ON {schema}.m (v);";

    @BeforeAll
    static void setUp() throws Exception {
        h = new KindHarness("tnkdb_part");
    }

    @AfterAll
    static void tearDown() throws Exception {
        h.close();
    }

    static long partitions(String schema, String parent) {
        return h.db.count("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = '" + schema + "." + parent + "'::regclass AND c.relispartition");
    }

    @Test
    void newPartitionedTableWithPartitionsKeysAndIndexes() throws Exception {
        var o = h.converge(null, M + Y24 + Y25 + DEF + IX
                + "ALTER TABLE {schema}.m ADD CONSTRAINT m_v_check CHECK (v <> '');", "safe", "new partition");
        String s = o.script();
        assertTrue(s.contains("CREATE TABLE {schema}.\"m\" (") && s.contains(") PARTITION BY RANGE (at)"), s);
        assertTrue(s.contains("CREATE TABLE {schema}.\"m_other\" PARTITION OF {schema}.\"m\" DEFAULT"), s);
        assertTrue(s.contains("CREATE INDEX m_v_idx ON {schema}.m USING btree (v)"), s); // not ON ONLY
        assertFalse(s.contains("CREATE TABLE {schema}.\"m_2024\" ("), "a partition is no table of its own:\n" + s);
        assertEquals(3, partitions(o.schema(), "m"));
        assertEquals(1, h.db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + o.schema()
                + "' AND tablename = 'm_2025' AND indexdef LIKE '%(v)'"), "the parent's index reaches the partitions");
        h.db.exec("INSERT INTO " + o.schema() + ".m VALUES (1, '2024-05-01', 'x'), (2, '2030-01-01', 'y')");
        assertEquals(1, h.db.count("SELECT count(*) FROM " + o.schema() + ".m_other"));
    }

    @Test
    void newPartitionAdded() throws Exception {
        var o = h.converge(M + Y24 + IX, M + Y24 + Y25 + IX, "safe", "new partition");
        assertEquals("CREATE TABLE {schema}.\"m_2025\" PARTITION OF {schema}.\"m\" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n",
                o.script());
    }

    @Test
    void newPartitionBesideADefaultScansIt() throws Exception {
        h.converge(M + Y24 + DEF, M + Y24 + Y25 + DEF, "locking", "default partition is scanned");
    }

    @Test
    void partitionDroppedIsDestructive() throws Exception {
        var o = h.converge(M + Y24 + Y25, M + Y24, "destructive", "partition not in the model");
        assertEquals("DROP TABLE {schema}.\"m_2025\";\n", o.script());
    }

    @Test
    void partitionDetachedToATableIsDestructive() throws Exception {
        var o = h.converge(M + Y24 + Y25, M + Y24 + "CREATE TABLE {schema}.m_2025 (id bigint NOT NULL, at date NOT NULL, v text,"
                + " CONSTRAINT m_2025_pkey PRIMARY KEY (id, at));", "destructive", "partition detached");
        assertTrue(o.script().startsWith("ALTER TABLE {schema}.\"m\" DETACH PARTITION {schema}.\"m_2025\""), o.script());
        assertEquals(1, partitions(o.schema(), "m"));
    }

    @Test
    void boundChangedIsDetachedAndAttachedAgain() throws Exception {
        var o = h.converge(M + Y24, M + Y24.replace("'2025-01-01'", "'2024-07-01'"), "destructive,locking", "bound changed");
        String s = o.script();
        assertTrue(s.indexOf("DETACH PARTITION") < s.indexOf("ATTACH PARTITION"), s);
        // the partition's own index and the parent's attached one stay through detach and attach
        String ix = IX + "CREATE INDEX m_2024_own ON {schema}.m_2024 (id, v);";
        var o2 = h.converge(M + Y24 + ix, M + Y24.replace("'2025-01-01'", "'2024-07-01'") + ix, "destructive,locking", "bound changed");
        assertEquals(2, o2.changeSet().statements().size(), o2.script());
    }

    @Test
    void indexOnThePartitionedTable() throws Exception {
        var o = h.converge(M + Y24 + Y25, M + Y24 + Y25 + IX, "safe", "small table");
        assertEquals(1, h.db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + o.schema()
                + "' AND tablename = 'm_2024' AND indexdef LIKE '%(v)'"));
        h.converge(M + Y24 + IX, M + Y24, "destructive", "index not in the model");
    }

    @Test
    void aPartitionsOwnIndexAndComment() throws Exception {
        h.converge(M + Y24, M + Y24 + "CREATE INDEX m_2024_v ON {schema}.m_2024 (v);"
                + "COMMENT ON TABLE {schema}.m_2024 IS 'the year 2024';", "safe", "comment");
    }

    @Test
    void listAndHashPartitioning() throws Exception {
        String l = "CREATE TABLE {schema}.l (id int, kind text) PARTITION BY LIST (kind);"
                + "CREATE TABLE {schema}.l_ab PARTITION OF {schema}.l FOR VALUES IN ('a', 'b');"
                + "CREATE TABLE {schema}.l_rest PARTITION OF {schema}.l DEFAULT;"
                + "CREATE TABLE {schema}.hh (id int PRIMARY KEY) PARTITION BY HASH (id);"
                + "CREATE TABLE {schema}.hh0 PARTITION OF {schema}.hh FOR VALUES WITH (MODULUS 2, REMAINDER 0);"
                + "CREATE TABLE {schema}.hh1 PARTITION OF {schema}.hh FOR VALUES WITH (MODULUS 2, REMAINDER 1);";
        var o = h.converge("", l, "safe", "new partition");
        assertEquals(2, partitions(o.schema(), "hh"));
        h.converge(l, l.replace("IN ('a', 'b')", "IN ('a', 'b', 'c')"), "destructive,locking", "bound changed");
    }

    @Test
    void subPartitions() throws Exception {
        // no primary key: a unique key must contain every partitioning column, the sub-partitions' too
        String top = M.replace(", PRIMARY KEY (id, at)", "");
        String sub = top + "CREATE TABLE {schema}.m_2024 PARTITION OF {schema}.m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
                + " PARTITION BY LIST (v);"
                + "CREATE TABLE {schema}.m_2024_a PARTITION OF {schema}.m_2024 FOR VALUES IN ('a');";
        var o = h.converge(top, sub, "safe", "new partition");
        String s = o.script();
        assertTrue(s.indexOf("\"m_2024\" PARTITION OF") < s.indexOf("\"m_2024_a\" PARTITION OF"), s);
        assertEquals(1, partitions(o.schema(), "m_2024"));
        h.converge(sub, sub + "CREATE TABLE {schema}.m_2024_b PARTITION OF {schema}.m_2024 FOR VALUES IN ('b');", "safe", "new partition");
    }

    @Test
    void partitionKeyChangedRecreatesTheTable() throws Exception {
        var o = h.converge(M + Y24, M.replace("RANGE (at)", "LIST (at)") + "CREATE TABLE {schema}.m_2024 PARTITION OF {schema}.m"
                + " FOR VALUES IN ('2024-01-01');", "destructive,safe", "partition key changed");
        assertTrue(o.script().indexOf("DROP TABLE {schema}.\"m\"") < o.script().indexOf("CREATE TABLE {schema}.\"m\" ("), o.script());
        h.converge("CREATE TABLE {schema}.m (id bigint NOT NULL, at date NOT NULL, v text, PRIMARY KEY (id, at));",
                M + Y24, "destructive,safe", "partitioning changed");
    }

    @Test
    void foreignKeyToAPartitionedTable() throws Exception {
        // PostgreSQL adds one foreign key per partition of the referenced table: they follow the one of the model
        String n = "CREATE TABLE {schema}.notes (id integer PRIMARY KEY, m_id bigint, m_at date);";
        var o = h.converge(M + Y24 + Y25 + n, M + Y24 + Y25 + n.replace("m_at date", "m_at date,"
                + " FOREIGN KEY (m_id, m_at) REFERENCES {schema}.m (id, at)"), "locking", "validates every row");
        assertEquals(1, o.changeSet().statements().size(), o.script());
        // and a partition added later gets its foreign key clone without a diff
        h.converge(M + Y24 + n.replace("m_at date", "m_at date, FOREIGN KEY (m_id, m_at) REFERENCES {schema}.m (id, at)"),
                M + Y24 + Y25 + n.replace("m_at date", "m_at date, FOREIGN KEY (m_id, m_at) REFERENCES {schema}.m (id, at)"),
                "safe", "new partition");
    }

    @Test
    void policyAndGrantOnAPartitionedTable() throws Exception {
        h.converge(M + Y24, M + Y24 + "ALTER TABLE {schema}.m ENABLE ROW LEVEL SECURITY;"
                + "CREATE POLICY recent ON {schema}.m USING (at > '2000-01-01');", "safe", "rows follow");
    }

    @Test
    void identicalSchemasShareOneChangeSet() throws Exception {
        try (KindHarness g = new KindHarness("tnkdb_partg")) {
            for (int i = 1; i <= 3; i++) {
                g.db.exec("CREATE SCHEMA p_" + i + "; SET search_path = p_" + i + ";"
                        + dev.tasknode.node.schema.model.ModelSet.bind(M + Y24, "p_" + i, "shared") + "; RESET search_path");
            }
            SchemaTestDb.Wiring w = g.db.wire(KindHarness.model(KindHarness.SHARED, M + Y24 + Y25 + IX));
            Results.Proposal p = w.reports().propose(new Scope.All()).proposal();
            assertEquals(1, p.changeSets().size(), () -> KindHarness.json(p));
            assertEquals(3, p.changeSets().getFirst().schemaCount());
            for (int i = 1; i <= 3; i++) {
                g.apply(w, String.valueOf(i), null);
            }
        }
    }
}
