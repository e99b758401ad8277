package dev.tasknode.node.backup.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Row counts read from pg_restore's plain output (what a real archive gives is covered by the round-trip tests). */
class ArchiveRowCountsTest {
    static final String OUTPUT = """
            --
            -- PostgreSQL database dump
            --
            SET statement_timeout = 0;
            SELECT pg_catalog.set_config('search_path', '', false);

            --
            -- Data for Name: t1; Type: TABLE DATA; Schema: p_1; Owner: postgres
            --

            COPY p_1.t1 (id, name) FROM stdin;
            1\tone
            2\ttwo\\nlines
            3\t\\N
            \\.


            COPY "We""ird"."Tab le" (a) FROM stdin;
            x\\ny
            \\\\.
            \\.
            COPY "We""ird"."select"  FROM stdin;


            \\.
            COPY p_1.empty (id) FROM stdin;
            \\.
            SELECT pg_catalog.setval('p_1.t1_id_seq', 3, true);
            """;

    /** Hands out the bytes a few at a time, so lines are split across reads. */
    static InputStream trickle(byte[] bytes, int step) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    @Test
    void countsOneLinePerRowWhateverTheNamesAndReadSizes() throws IOException {
        byte[] bytes = OUTPUT.getBytes(StandardCharsets.UTF_8);
        for (int step : List.of(1, 3, 7, 1 << 16)) {
            Map<String, Map<String, Long>> got = ArchiveRowCounts.read(trickle(bytes, step));
            assertEquals(Map.of("p_1", Map.of("t1", 3L, "empty", 0L),
                    "We\"ird", Map.of("Tab le", 2L, "select", 2L)), got, "read size " + step);
        }
    }

    @Test
    void copyLinesAreParsedExactly() {
        assertArrayEquals(new String[] {"p_1", "items"}, ArchiveRowCounts.copyTarget("COPY p_1.items (id, payload) FROM stdin;"));
        assertArrayEquals(new String[] {"a.b", "c\"d"}, ArchiveRowCounts.copyTarget("COPY \"a.b\".\"c\"\"d\" (x) FROM stdin;"));
        assertNull(ArchiveRowCounts.copyTarget("SET row_security = off;"));
        assertNull(ArchiveRowCounts.copyTarget("COPY broken FROM stdin;"));
    }

    @Test
    void tablesWithoutDataCountZeroAndTheKeysAreTheCatalogs() {
        Map<String, Map<String, Long>> got = ArchiveRowCounts.forTables(Map.of("s", Map.of("a", 4L)),
                Map.of("s", List.of("a", "b"), "t", List.of()));
        assertEquals(Map.of("s", Map.of("a", 4L, "b", 0L), "t", Map.of()), got);
    }

    @Test
    void outputCutInsideTheDataIsAnError() {
        byte[] bytes = "COPY s.t (a) FROM stdin;\n1\n2\n".getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> ArchiveRowCounts.read(new ByteArrayInputStream(bytes)));
    }
}
