package dev.tasknode.node.schema.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.node.schema.model.StatementKinds.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every model statement is classified; whatever is not managed is refused with file, line and kind. */
class StatementKindsTest {
    @Test
    void managedStatementsAreAccepted() {
        for (String sql : List.of(
                "CREATE TABLE {schema}.t (id bigint PRIMARY KEY, note text DEFAULT 'a; b')",
                "create table if not exists \"My Table\" (x int)",
                "CREATE UNIQUE INDEX t_x ON {schema}.t (lower(note)) WHERE note IS NOT NULL",
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t USING gin (tags)",
                "CREATE OR REPLACE VIEW v AS SELECT * FROM t",
                "CREATE MATERIALIZED VIEW mv AS SELECT 1",
                "CREATE SEQUENCE s START 10",
                "ALTER SEQUENCE s OWNED BY t.id",
                "CREATE TYPE {schema}.status AS ENUM ('a', 'b')",
                "ALTER TYPE status ADD VALUE 'c'",
                "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"",
                "CREATE EXTENSION pg_trgm WITH SCHEMA public",
                "COMMENT ON TABLE t IS 'x'", "COMMENT ON COLUMN t.x IS 'y'", "COMMENT ON CONSTRAINT c ON t IS 'z'",
                "COMMENT ON INDEX i IS 'i'", "COMMENT ON MATERIALIZED VIEW mv IS 'm'", "COMMENT ON TYPE status IS 's'",
                "ALTER TABLE t ADD COLUMN y int, ADD CONSTRAINT c CHECK (y > 0), ALTER COLUMN y SET DEFAULT 1",
                "ALTER TABLE ONLY {schema}.t ADD FOREIGN KEY (x) REFERENCES {shared}.users (id)",
                "ALTER TABLE t ALTER COLUMN y TYPE bigint USING y::bigint, ALTER y SET NOT NULL",
                "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
                // kinds-a: functions, triggers (with their ALTER TABLE actions), domains, composite types, collations
                "ALTER TABLE t DISABLE TRIGGER tr, ENABLE ALWAYS TRIGGER tr2",
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN 1",
                "CREATE TRIGGER t BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()",
                "CREATE DOMAIN email AS text CHECK (VALUE ~ '@')", "CREATE TYPE pair AS (a int, b int)",
                "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                // kinds-b
                "ALTER TABLE t ADD COLUMN z int, ENABLE ROW LEVEL SECURITY", "ALTER TABLE t FORCE ROW LEVEL SECURITY",
                "ALTER TABLE t NO FORCE ROW LEVEL SECURITY", "CREATE POLICY p ON t AS RESTRICTIVE FOR UPDATE TO app USING (true)",
                "ALTER POLICY p ON t USING (false)", "COMMENT ON POLICY p ON t IS 'x'", "GRANT SELECT ON t TO app",
                "REVOKE ALL ON t FROM PUBLIC", "GRANT USAGE ON SCHEMA {schema} TO app", "GRANT USAGE ON SEQUENCE s TO app",
                "CREATE TABLE m (d date) PARTITION BY RANGE (d)", "CREATE TABLE m1 PARTITION OF m DEFAULT",
                "ALTER TABLE m ATTACH PARTITION m_x DEFAULT", "ALTER TABLE m DETACH PARTITION m_x",
                "ALTER INDEX m_d_idx ATTACH PARTITION m1_d_idx", "COMMENT ON SEQUENCE s IS 'x'",
                "COMMENT ON SCHEMA {schema} IS 'x'",
                // engine: relation storage
                "CREATE UNLOGGED TABLE u (x int)", "CREATE UNLOGGED SEQUENCE s", "CREATE TABLE w (x int) WITH (fillfactor = 70)",
                "CREATE INDEX i ON t (x) WITH (fillfactor = 70)", "ALTER VIEW v SET (security_barrier = true)",
                "ALTER TABLE t SET UNLOGGED", "ALTER TABLE t SET (fillfactor = 70), ADD COLUMN q int")) {
            assertTrue(StatementKinds.classify(sql).managed(), () -> sql + " → " + StatementKinds.classify(sql));
        }
    }

    @Test
    void everyOtherKindIsNamed() {
        Map<String, Kind> cases = Map.ofEntries(
                Map.entry("CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN 1", Kind.FUNCTION),
                Map.entry("create or replace procedure p() language sql begin atomic select 1; end", Kind.FUNCTION),
                Map.entry("COMMENT ON FUNCTION f() IS 'x'", Kind.FUNCTION),
                Map.entry("CREATE TRIGGER t BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()", Kind.TRIGGER),
                Map.entry("CREATE CONSTRAINT TRIGGER t AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", Kind.TRIGGER),
                Map.entry("CREATE POLICY p ON t USING (owner = current_user)", Kind.POLICY),
                Map.entry("GRANT SELECT ON t TO app", Kind.PRIVILEGE),
                Map.entry("REVOKE ALL ON t FROM PUBLIC", Kind.PRIVILEGE),
                Map.entry("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app", Kind.DEFAULT_PRIVILEGES),
                Map.entry("GRANT UPDATE (a, b) ON TABLE t TO app WITH GRANT OPTION", Kind.PRIVILEGE),
                Map.entry("GRANT EXECUTE ON FUNCTION f(integer) TO app", Kind.PRIVILEGE),
                Map.entry("GRANT app TO bob", Kind.GLOBAL),
                Map.entry("REVOKE app FROM bob", Kind.GLOBAL),
                Map.entry("GRANT CONNECT ON DATABASE d TO app", Kind.GLOBAL),
                Map.entry("CREATE DOMAIN email AS text CHECK (VALUE ~ '@')", Kind.DOMAIN),
                Map.entry("CREATE TYPE pair AS (a int, b int)", Kind.COMPOSITE_TYPE),
                Map.entry("CREATE TYPE r AS RANGE (subtype = int)", Kind.RANGE_TYPE),
                Map.entry("CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)", Kind.COLLATION),
                Map.entry("CREATE EXTENSION hstore VERSION '1.8'", Kind.EXTENSION_VERSION),
                Map.entry("CREATE EXTENSION hstore SCHEMA ext", Kind.EXTENSION_OPTIONS),
                Map.entry("CREATE TABLE m (d date) PARTITION BY RANGE (d)", Kind.PARTITIONING),
                Map.entry("CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')", Kind.PARTITIONING),
                Map.entry("COMMENT ON SEQUENCE s IS 'x'", Kind.SEQUENCE_COMMENT),
                Map.entry("COMMENT ON SCHEMA {schema} IS 'x'", Kind.SCHEMA_COMMENT),
                Map.entry("CREATE SCHEMA x", Kind.SCHEMA),
                Map.entry("CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING", Kind.RULE),
                Map.entry("CREATE TABLE c (x int) INHERITS (t)", Kind.INHERITANCE),
                Map.entry("CREATE UNLOGGED TABLE u (x int)", Kind.TABLE),
                Map.entry("CREATE UNLOGGED TABLE u AS SELECT 1", Kind.TABLE_AS),
                Map.entry("CREATE TEMP TABLE tt (x int)", Kind.TEMPORARY),
                Map.entry("CREATE TABLE w (x int) WITH (fillfactor = 70)", Kind.RELATION_OPTIONS),
                Map.entry("CREATE TABLE w (x int) WITH (toast.autovacuum_enabled = false)", Kind.STORAGE),
                Map.entry("CREATE TABLE w (x int) WITH (fillfactor = 70) TABLESPACE pg_default", Kind.STORAGE),
                Map.entry("ALTER TABLE t SET (toast.autovacuum_enabled = false)", Kind.STORAGE),
                Map.entry("ALTER INDEX i SET (fillfactor = 70)", Kind.RELATION_OPTIONS),
                Map.entry("ALTER INDEX i SET TABLESPACE x", Kind.STORAGE),
                Map.entry("CREATE MATERIALIZED VIEW mv WITH (fillfactor = 80) AS SELECT 1", Kind.RELATION_OPTIONS),
                Map.entry("CREATE MATERIALIZED VIEW mv TABLESPACE x AS SELECT 1", Kind.STORAGE),
                Map.entry("CREATE MATERIALIZED VIEW mv (a) USING heap AS SELECT 1", Kind.STORAGE),
                Map.entry("ALTER TABLE t ALTER COLUMN x SET STATISTICS 500", Kind.STORAGE),
                Map.entry("ALTER TABLE t OWNER TO app", Kind.OWNER),
                Map.entry("ALTER VIEW v OWNER TO app", Kind.OWNER),
                Map.entry("CREATE TABLE copy AS SELECT * FROM t", Kind.TABLE_AS),
                Map.entry("INSERT INTO t VALUES (1, 'a')", Kind.DATA),
                Map.entry("UPDATE t SET x = 1", Kind.DATA),
                Map.entry("DELETE FROM t", Kind.DATA),
                Map.entry("BEGIN", Kind.TRANSACTION),
                Map.entry("COMMIT", Kind.TRANSACTION),
                Map.entry("SET search_path TO x", Kind.SESSION),
                Map.entry("DO $$ BEGIN PERFORM 1; END $$", Kind.CODE),
                Map.entry("DROP TABLE t", Kind.DROP),
                Map.entry("CREATE ROLE app", Kind.GLOBAL),
                Map.entry("CREATE STATISTICS st ON a, b FROM t", Kind.STATISTICS),
                Map.entry("CREATE AGGREGATE agg (int) (sfunc = int4pl, stype = int)", Kind.AGGREGATE),
                Map.entry("FROBNICATE t", Kind.UNKNOWN));
        cases.forEach((sql, kind) -> assertEquals(kind, StatementKinds.classify(sql), sql));
    }

    @Test
    void refusalsNameFileLineAndKind() {
        ModelSet m = new ModelSet(List.of(new ModelFile(ModelSet.Kind.SHARED, "shared/10.sql", "test",
                "CREATE TABLE {schema}.users (id bigint PRIMARY KEY);\n")),
                List.of(new ModelFile(ModelSet.Kind.PROJECT, "project/10.sql", "test", """
                        CREATE TABLE {schema}.t (id int);
                        -- the guard
                        CREATE RULE r AS ON INSERT TO {schema}.t
                            DO INSTEAD NOTHING;
                        INSERT INTO {schema}.t VALUES (1);
                        """)));
        ModelException e = assertThrows(ModelException.class, () -> StatementKinds.check(m));
        assertTrue(e.getMessage().contains("project/10.sql:3: rule is not managed"), e.getMessage());
        assertTrue(e.getMessage().contains("project/10.sql:5: data statement has no place in a model"), e.getMessage());
        assertTrue(e.getMessage().contains("2 statement(s)"), e.getMessage());
    }

    @Test
    void theSampleModelIsFullyManaged() {
        assertEquals(List.of(), StatementKinds.refusals(ModelLoader.fromClasspath("db/model")));
    }

    @Test
    void routineBodiesAreOneStatement() {
        String text = """
                CREATE FUNCTION {schema}.touch() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.updated_at := now(); -- a comment; with a semicolon
                    RETURN NEW;
                END
                $$;
                CREATE OR REPLACE FUNCTION {schema}.f2(x int) RETURNS int AS $fn$ SELECT x; $fn$ LANGUAGE sql;
                CREATE FUNCTION {schema}.f3(x int) RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                    SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;
                    SELECT x + 1;
                END;
                CREATE PROCEDURE {schema}.p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;
                CREATE FUNCTION {schema}.f4() RETURNS text LANGUAGE sql RETURN E'it\\'s; fine';
                CREATE TABLE {schema}.t (x int);
                BEGIN;
                """;
        List<SqlScript.Statement> s = SqlScript.split(text);
        assertEquals(List.of(1, 7, 8, 13, 14, 15, 16), s.stream().map(SqlScript.Statement::line).toList(), s.toString());
        assertTrue(s.get(2).sql().endsWith("SELECT x + 1;\nEND"), s.get(2).sql());
        assertTrue(s.get(4).sql().endsWith("fine'"), s.get(4).sql());
        assertEquals("BEGIN", s.get(6).sql());
    }
}
