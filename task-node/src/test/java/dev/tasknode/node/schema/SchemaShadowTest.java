package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tasknode.node.db.ScratchDatabases;
import dev.tasknode.node.schema.inspect.shadow.Shadow;
import dev.tasknode.node.schema.model.ModelException;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.model.SqlScript;
import dev.tasknode.testing.TestEndpoints;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shadow normalisation runs in a scratch database: the verdict on a model does not depend on the live database,
 * and what the model creates but the engine does not read is refused (the catalog safety net).
 */
class SchemaShadowTest {
    static SchemaTestDb db;

    @BeforeAll
    static void setUp() {
        db = new SchemaTestDb("tnmod_shadow");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static ModelSet model(String shared, String project) {
        return new ModelSet(List.of(new ModelFile(ModelSet.Kind.SHARED, "shared/10.sql", "test", shared)),
                List.of(new ModelFile(ModelSet.Kind.PROJECT, "project/10.sql", "test", project)));
    }

    static final String USERS = "CREATE TABLE {schema}.users (id bigint PRIMARY KEY, email text NOT NULL);\n";

    @Test
    void createSchemaIsRefusedWhetherOrNotItExistsLive() {
        ModelSet m = model(USERS, "CREATE TABLE {schema}.t (id int);\nCREATE SCHEMA reporting;\n");
        String absent = assertThrows(ModelException.class, () -> Shadow.normalize(db.ds, m)).getMessage();
        db.exec("CREATE SCHEMA reporting");
        try {
            String present = assertThrows(ModelException.class, () -> Shadow.normalize(db.ds, m)).getMessage();
            assertEquals(absent, present);
            assertTrue(present.contains("project/10.sql:2: schema has no place in a model"), present);
        } finally {
            db.exec("DROP SCHEMA reporting");
        }
    }

    @Test
    void liveObjectsOutsideTheModelDoNotLeakIntoTheShadow() throws SQLException {
        // a type and a table that exist only live, in public: the model may not lean on them
        db.exec("CREATE TYPE public.mood AS ENUM ('ok', 'sad'); CREATE TABLE public.live_only (id int PRIMARY KEY)");
        try {
            ModelException e = assertThrows(ModelException.class,
                    () -> Shadow.normalize(db.ds, model(USERS, "CREATE TABLE {schema}.t (id int, m mood);\n")));
            assertTrue(e.getMessage().startsWith("project/10.sql:1: PostgreSQL refuses the statement"), e.getMessage());
            assertTrue(e.getMessage().contains("type \"mood\" does not exist"), e.getMessage());
            e = assertThrows(ModelException.class, () -> Shadow.normalize(db.ds,
                    model(USERS, "CREATE TABLE {schema}.t (id int REFERENCES public.live_only (id));\n")));
            assertTrue(e.getMessage().contains("live_only"), e.getMessage());
            // the same model without them normalises, and the live database gained no schema
            Shadow.Desired d = Shadow.normalize(db.ds, model(USERS, "CREATE TABLE {schema}.t (id int);\n"));
            assertTrue(d.project().tables().containsKey("t"));
            assertEquals(0, db.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tn\\_shadow%'"));
        } finally {
            db.exec("DROP TABLE public.live_only; DROP TYPE public.mood");
        }
    }

    @Test
    void theSafetyNetRefusesWhatTheStatementsDidNotSay() {
        // each statement is of a managed kind, but creates something the inspector does not read
        ModelException e = assertThrows(ModelException.class, () -> Shadow.normalize(db.ds, model(USERS, """
                CREATE TABLE {schema}.t (id int, note text COMPRESSION pglz);
                CREATE INDEX t_note ON {schema}.t (note) WITH (fillfactor = 50);
                CREATE TABLE public.stray (x int);
                """)));
        String msg = e.getMessage();
        // (storage parameters are managed since the engine reads them: the index's fillfactor passes)
        assertTrue(msg.contains("the model creates 2 object(s) the schema engine does not manage"), msg);
        assertTrue(msg.contains("storage options") && msg.contains("{schema}.t.note"), msg);
        assertTrue(msg.contains("object outside the model's schemas: stray"), msg);
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname = 'stray'"), "nothing reached the live database");
    }

    @Test
    void anUnmanagedObjectTheModelUsesIsRefusedAtStartUp() {
        // before: CREATE COLLATION passed start-up and apply failed later (collations are managed now: a range type)
        ModelException e = assertThrows(ModelException.class, () -> Shadow.normalize(db.ds, model(USERS, """
                CREATE TYPE {schema}.span AS RANGE (subtype = integer);
                CREATE TABLE {schema}.t (during {schema}.span);
                """)));
        assertTrue(e.getMessage().contains("project/10.sql:1: range type is not managed by the schema engine"), e.getMessage());
    }

    @Test
    void withoutAScratchDatabaseTheShadowFallsBackToTheLiveDatabaseAndStillRefusesUnmanagedObjects() throws SQLException {
        org.postgresql.ds.PGSimpleDataSource plain = new org.postgresql.ds.PGSimpleDataSource();
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        plain.setUrl(pg.urlFor(db.database));
        plain.setUser(pg.user());
        plain.setPassword(pg.password());
        assertEquals(null, ScratchDatabases.of(plain), "a pool whose settings cannot be read has no scratch databases");
        Shadow.Desired d = Shadow.normalize(plain, model(USERS, "CREATE TABLE {schema}.t (id int);\n"));
        assertTrue(d.project().tables().containsKey("t"));
        ModelException e = assertThrows(ModelException.class, () -> Shadow.normalize(plain, model(USERS,
                "CREATE TABLE {schema}.t (id int, note text COMPRESSION pglz);\n")));
        assertTrue(e.getMessage().contains("{schema}.t.note"), e.getMessage());
        assertEquals(0, db.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tn\\_shadow%'"), "rolled back");
    }

    @Test
    void scratchDatabasesCopyTheLiveLocaleAndLeftoversAreDropped() throws SQLException {
        String live = TestEndpoints.uniqueName("tnmod_loc");
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        db.exec("CREATE DATABASE " + live + " TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'");
        // a scratch database of a node killed an hour ago
        String leftover = ScratchDatabases.PREFIX + (System.currentTimeMillis() / 1000 - 3600) + "_deadbeef";
        db.exec("CREATE DATABASE " + leftover);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(pg.urlFor(live));
        cfg.setUsername(pg.user());
        cfg.setPassword(pg.password());
        cfg.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(cfg)) {
            ScratchDatabases sd = ScratchDatabases.of(ds);
            assertNotNull(sd);
            ScratchDatabases.Scratch s = sd.create();
            try {
                // create() sweeps in the background; a sweep of our own finds it, or finds it already gone
                sd.dropLeftovers();
                assertEquals(0, db.count("SELECT count(*) FROM pg_database WHERE datname = '" + leftover + "'"));
                assertEquals("SQL_ASCII|C|C", db.exec1("SELECT pg_encoding_to_char(encoding) || '|' || datcollate || '|' "
                        + "|| datctype FROM pg_database WHERE datname = '" + s.name() + "'"));
                // and a fresh one is left alone by the next create (its node is still connecting to it)
                ScratchDatabases.Scratch t = sd.create();
                sd.dropLeftovers();
                assertEquals(1, db.count("SELECT count(*) FROM pg_database WHERE datname = '" + s.name() + "'"));
                t.dropNow();
            } finally {
                s.dropNow();
            }
            assertEquals(0, db.count("SELECT count(*) FROM pg_database WHERE datname = '" + s.name() + "'"));
        } finally {
            TestEndpoints.dropDatabase(live);
            TestEndpoints.dropDatabase(leftover);
        }
    }

    /**
     * A scratch database is dropped from the maintenance database, not the live one: the drop waits for a checkpoint
     * holding a snapshot, and CREATE INDEX CONCURRENTLY in the live database waits for every older snapshot there
     * (apply's online steps timed out behind the drop of the copy that had validated them).
     */
    @Test
    void scratchDatabasesAreDroppedFromOutsideTheLiveDatabase() throws Exception {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(pg.urlFor(db.database));
        cfg.setUsername(pg.user());
        cfg.setPassword(pg.password());
        cfg.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(cfg);
             Connection holder = java.sql.DriverManager.getConnection(pg.urlFor("postgres"), pg.user(), pg.password());
             Statement hs = holder.createStatement()) {
            ScratchDatabases.Scratch s = ScratchDatabases.of(ds).create();
            holder.setAutoCommit(false);
            hs.execute("COMMENT ON DATABASE " + s.name() + " IS 'held'"); // the drop waits for this transaction
            Thread drop = Thread.ofPlatform().start(s::dropNow);
            String where = null;
            for (int i = 0; i < 200 && where == null; i++) {
                where = db.exec1("SELECT max(datname) FROM pg_stat_activity WHERE query LIKE 'DROP DATABASE IF EXISTS "
                        + s.name() + "%' AND pid <> pg_backend_pid()");
                Thread.sleep(25);
            }
            holder.rollback();
            drop.join();
            assertEquals("postgres", where, "the waiting DROP DATABASE runs connected to the maintenance database");
            assertEquals(0, db.count("SELECT count(*) FROM pg_database WHERE datname = '" + s.name() + "'"));
        }
    }

    @Test
    void routineBodiesReachPostgreSqlWhole() throws SQLException {
        String text = """
                CREATE FUNCTION tnmod_fn.touch() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.updated_at := now(); -- a comment; with a semicolon
                    RETURN NEW;
                END
                $$;
                CREATE FUNCTION tnmod_fn.f2(x int) RETURNS int AS $fn$ SELECT x; $fn$ LANGUAGE sql;
                CREATE FUNCTION tnmod_fn.f3(x int) RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                    SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END;
                    SELECT x + 1;
                END;
                CREATE FUNCTION tnmod_fn.f4() RETURNS text LANGUAGE sql RETURN E'it\\'s; fine';
                """;
        try (Connection c = db.ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("CREATE SCHEMA tnmod_fn");
            for (SqlScript.Statement s : SqlScript.split(text)) {
                st.execute(s.sql());
            }
            try (ResultSet rs = st.executeQuery("SELECT tnmod_fn.f3(5), tnmod_fn.f4()")) {
                rs.next();
                assertEquals(6, rs.getInt(1));
                assertEquals("it's; fine", rs.getString(2));
            }
            c.rollback();
        }
        assertFalse(db.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'tnmod_fn'") > 0);
    }
}
