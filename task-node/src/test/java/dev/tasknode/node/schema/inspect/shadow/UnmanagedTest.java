package dev.tasknode.node.schema.inspect.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tasknode.node.schema.SchemaTestDb;
import dev.tasknode.node.schema.model.StatementKinds.Kind;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The safety net's probes against a real catalog: one object of every unmanaged kind a schema can hold is found and
 * named by its kind, in that schema only (the probes read each catalog's rows of the given schemas once, see
 * {@link Unmanaged#find}), and a schema next to it with only managed objects yields nothing.
 */
class UnmanagedTest {
    static SchemaTestDb db;

    @BeforeAll
    static void setUp() {
        db = new SchemaTestDb("tnunmanaged");
        db.exec("""
                CREATE SCHEMA odd;
                CREATE TABLE odd.t (a int, b int);
                CREATE RULE t_log AS ON INSERT TO odd.t DO ALSO NOTHING;
                CREATE AGGREGATE odd.total (int) (sfunc = int4pl, stype = int);
                CREATE TYPE odd.span AS RANGE (subtype = float8);
                CREATE TYPE odd.shell;
                CREATE OPERATOR odd.=== (leftarg = int, rightarg = int, function = int4eq);
                CREATE STATISTICS odd.t_ab ON a, b FROM odd.t;
                CREATE TEXT SEARCH CONFIGURATION odd.words (COPY = simple);
                CREATE CONVERSION odd.latin FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
                CREATE FOREIGN DATA WRAPPER tnunmanaged_fdw;
                CREATE SERVER tnunmanaged_srv FOREIGN DATA WRAPPER tnunmanaged_fdw;
                CREATE FOREIGN TABLE odd.remote (a int) SERVER tnunmanaged_srv;
                CREATE TABLE odd.child () INHERITS (odd.t);
                CREATE TABLE odd.wide (a int, b text);
                ALTER TABLE odd.wide ALTER COLUMN a SET STATISTICS 500;
                CREATE SCHEMA plain;
                CREATE TABLE plain.t (id int PRIMARY KEY, note text);
                CREATE INDEX t_note ON plain.t (note);
                CREATE VIEW plain.v AS SELECT id FROM plain.t;
                CREATE FUNCTION plain.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
                """);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void everyUnmanagedKindIsFoundInItsSchemaOnly() throws Exception {
        try (Connection c = db.ds.getConnection()) {
            List<Unmanaged.Found> found = Unmanaged.find(c, List.of("odd"), false);
            Set<Kind> kinds = found.stream().map(Unmanaged.Found::kind).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(Set.of(Kind.RULE, Kind.AGGREGATE, Kind.RANGE_TYPE, Kind.BASE_TYPE, Kind.OPERATOR,
                    Kind.STATISTICS, Kind.TEXT_SEARCH, Kind.CAST_OR_CONVERSION, Kind.FOREIGN, Kind.INHERITANCE,
                    Kind.STORAGE)), kinds, () -> found.toString());
            assertEquals(true, found.stream().anyMatch(f -> f.kind() == Kind.RULE && f.object().equals("t_log on odd.t")),
                    found::toString);
            assertEquals(true, found.stream().anyMatch(f -> f.kind() == Kind.STORAGE && f.object().equals("odd.wide.a")),
                    found::toString);
            assertEquals(List.of(), Unmanaged.find(c, List.of("plain"), false), "managed objects only");
            assertEquals(found.size(), Unmanaged.find(c, List.of("odd", "plain"), false).size(), "the same, next to plain");
        }
    }
}
