package dev.tasknode.node.schema.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corpus harness's own pieces, without a database: case files, the dump normalisation, the known-failures list. */
class CorpusHarnessTest {
    @TempDir
    Path root;

    private ConvergenceCase write(String text) throws Exception {
        Path f = root.resolve("keys/001-x.sql");
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return ConvergenceCase.read(root, f);
    }

    @Test
    void sectionsAndExpectation() throws Exception {
        ConvergenceCase c = write("""
                -- about
                -- expect: safe, destructive
                -- shared
                CREATE TABLE users (id int);
                -- before
                CREATE TABLE t (id int);
                -- data
                INSERT INTO t VALUES (1);
                -- after
                CREATE TABLE t (id bigint);
                """);
        assertEquals("keys/001-x", c.id());
        assertEquals("keys", c.kind());
        assertEquals("CREATE TABLE users (id int);", c.sharedBefore());
        assertEquals(c.sharedBefore(), c.sharedAfter());
        assertEquals("CREATE TABLE t (id int);", c.before());
        assertEquals("INSERT INTO t VALUES (1);", c.data());
        assertEquals("CREATE TABLE t (id bigint);", c.after());
        assertEquals(Set.of("safe", "destructive"), c.expect());
    }

    @Test
    void noBeforeSectionMeansNoSchema() throws Exception {
        ConvergenceCase c = write("-- after\nCREATE TABLE t (id int);\n");
        assertNull(c.before());
        assertNull(c.expect());
        assertEquals("", c.sharedBefore());
    }

    @Test
    void badCasesAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> write("-- before\nCREATE TABLE t (id int);\n"))
                .getMessage().contains("no '-- after'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> write("-- expect: quick\n-- after\nSELECT 1;\n"))
                .getMessage().contains("accepted are"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> write("-- shared\nA;\n-- shared after\nB;\n-- after\nC;\n")).getMessage().contains("together"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> write("-- after\nA;\n-- after\nB;\n"))
                .getMessage().contains("twice"));
    }

    @Test
    void dumpNormalisationIgnoresNoiseAndColumnOrderButNotContent() {
        String a = """
                --
                -- PostgreSQL database dump
                --
                \\restrict abc
                SET statement_timeout = 0;
                SELECT pg_catalog.set_config('search_path', '', false);
                --
                -- Name: t; Type: TABLE; Schema: p_1; Owner: postgres
                --

                CREATE TABLE p_1.t (
                    id integer NOT NULL,
                    a text,
                    b integer
                );
                --
                -- Name: v; Type: VIEW; Schema: p_1; Owner: postgres
                --

                CREATE VIEW p_1.v AS
                 SELECT 1;
                \\unrestrict abc
                """;
        String b = """
                --
                -- Name: v; Type: VIEW; Schema: p_1; Owner: postgres
                --
                CREATE VIEW p_1.v AS
                 SELECT 1;
                --
                -- Name: t; Type: TABLE; Schema: p_1; Owner: postgres
                --
                CREATE TABLE p_1.t (
                    id integer NOT NULL,
                    b integer,
                    a text
                );
                """;
        List<String> na = sorted(SchemaDump.normalise(a));
        assertEquals(sorted(SchemaDump.normalise(b)), na);
        assertEquals(2, na.size());
        assertNotEquals(na, sorted(SchemaDump.normalise(b.replace("b integer", "b bigint"))));
        assertNotEquals(na, sorted(SchemaDump.normalise(b.replace("SELECT 1", "SELECT 2"))));
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    @Test
    void knownFailuresNeedAReason() throws Exception {
        Path f = root.resolve("known-failures.txt");
        Files.writeString(f, "# comment\n\nkeys/001-x compare: differs\n");
        assertEquals("compare: differs", ConvergenceCorpusTest.knownFailures(f).get("keys/001-x"));
        Files.writeString(f, "keys/001-x\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConvergenceCorpusTest.knownFailures(f))
                .getMessage().contains("has no reason"));
        Files.writeString(f, "keys/001-x a\nkeys/001-x b\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConvergenceCorpusTest.knownFailures(f))
                .getMessage().contains("twice"));
    }
}
