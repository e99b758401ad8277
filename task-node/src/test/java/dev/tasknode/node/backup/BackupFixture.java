package dev.tasknode.node.backup;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tasknode.node.backup.dump.BackupService;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.restore.RestoreService;
import dev.tasknode.node.backup.restore.SchemaSwap;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.BackupTestAccess;
import dev.tasknode.node.backup.store.PrototypeBackups;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.SchemaFingerprints;
import dev.tasknode.node.db.SchemaProperties;
import dev.tasknode.testing.TestEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * One test class's world: its own database, a temp BACKUP_DIR (0700), the backup beans wired by hand (no Spring
 * context needed), and a small multi-tenant fleet: shared.projects + shared.settings, projects p_&lt;id&gt; with a
 * foreign key into shared.projects.
 */
public final class BackupFixture implements AutoCloseable {
    public final String database;
    private final TestEndpoints.Postgres server;
    public final HikariDataSource ds;
    public final Path dir;
    public final BackupProperties props = new BackupProperties();
    public final Fleet fleet;
    public final PgTools pg;
    public final BackupStore store;
    public final BackupService backups;
    public final SchemaSwap swap;
    public final RestoreService restore;
    public final dev.tasknode.node.backup.restore.ReplacedCopies replaced;
    public final BackupMetrics metrics = new BackupMetrics(new SimpleMeterRegistry());
    public final DefaultListableBeanFactory beans = new DefaultListableBeanFactory();

    public BackupFixture(String prefix) throws Exception {
        this(prefix, 0);
    }

    /** {@code port}: reach the database through this loopback port (a test's TcpProxy) instead; 0 = directly. */
    public BackupFixture(String prefix, int port) throws Exception {
        this(TestEndpoints.postgres(), TestEndpoints.createDatabase(prefix), port);
    }

    /** On another server (a second cluster, e.g. {@code jdbc:postgresql://127.0.0.1:5433/postgres}): its own database there. */
    public static BackupFixture on(String adminUrl, String prefix) throws Exception {
        return on(server(adminUrl), prefix, null);
    }

    /** The test server, or the one at {@code adminUrl} when not empty (same user and password). */
    public static TestEndpoints.Postgres server(String adminUrl) {
        TestEndpoints.Postgres main = TestEndpoints.postgres();
        if (adminUrl == null || adminUrl.isEmpty()) {
            return main;
        }
        java.net.URI u = java.net.URI.create(adminUrl.substring("jdbc:".length()));
        return new TestEndpoints.Postgres(adminUrl, main.user(), main.password(), u.getHost(), u.getPort() < 0 ? 5432 : u.getPort());
    }

    /** A fresh database on {@code p}, a copy of {@code template} when given (CREATE DATABASE … TEMPLATE). */
    public static BackupFixture on(TestEndpoints.Postgres p, String prefix, String template) throws Exception {
        String name = TestEndpoints.uniqueName(prefix);
        try (Connection c = java.sql.DriverManager.getConnection(p.adminUrl(), p.user(), p.password()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + (template == null ? "" : " TEMPLATE " + template));
        }
        return new BackupFixture(p, name, 0);
    }

    /**
     * An existing database (a benchmark's kept fleet, say), left in place when closed: {@link #close()} drops only
     * the databases the fixture created.
     */
    public static BackupFixture existing(TestEndpoints.Postgres p, String database) throws Exception {
        BackupFixture f = new BackupFixture(p, database, 0);
        f.keep = true;
        return f;
    }

    private boolean keep;

    private BackupFixture(TestEndpoints.Postgres p, String database, int port) throws Exception {
        this.server = p;
        this.database = database;
        String url = port == 0 ? p.urlFor(database) : "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(p.user());
        hc.setPassword(p.password());
        hc.setMaximumPoolSize(4);
        hc.setPoolName(database);
        ds = new HikariDataSource(hc);
        dir = Files.createTempDirectory("tn-backup-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        props.setDir(dir);
        props.setWorkers(3);
        props.setSchemaLockWait(Duration.ofSeconds(5));
        fleet = new Fleet(new SchemaProperties());
        pg = new PgTools(props, PgTools.Target.fromJdbc(url, p.user(), p.password()));
        store = new BackupStore(props, new PrototypeBackups(fleet));
        backups = new BackupService(ds, fleet, store, pg, beans.getBeanProvider(SchemaFingerprints.class), metrics);
        swap = new SchemaSwap(new NodeProperties());
        try (Connection c = ds.getConnection()) {
            swap.ensureJournal(c);
        }
        restore = new RestoreService(ds, fleet, store, backups, swap, pg);
        replaced = new dev.tasknode.node.backup.restore.ReplacedCopies(ds, swap);
    }

    /** shared + the given projects, each with {@code rows} rows in its tables. */
    public void createFleet(int rows, String... projects) throws SQLException {
        StringBuilder sql = new StringBuilder("""
                CREATE SCHEMA shared;
                CREATE TABLE shared.projects (id text PRIMARY KEY, name text NOT NULL);
                CREATE TABLE shared.settings (k text PRIMARY KEY, v jsonb);
                INSERT INTO shared.settings SELECT 'k' || g, jsonb_build_object('n', g) FROM generate_series(1, 25) g;
                """);
        for (String id : projects) {
            sql.append("INSERT INTO shared.projects VALUES ('").append(id).append("', 'project ").append(id).append("');\n");
            sql.append(project(id, rows));
        }
        exec(sql.toString());
    }

    public static String project(String id, int rows) {
        String s = "p_" + id;
        return "CREATE SCHEMA " + s + ";\n"
                + "CREATE TABLE " + s + ".items (id serial PRIMARY KEY, project_id text NOT NULL REFERENCES shared.projects(id),"
                + " payload text, at timestamptz DEFAULT '2026-01-01');\n"
                + "CREATE INDEX ON " + s + ".items (payload);\n"
                + "CREATE TABLE " + s + ".notes (id bigserial PRIMARY KEY, item_id int REFERENCES " + s + ".items(id), body text);\n"
                + "INSERT INTO " + s + ".items (project_id, payload) SELECT '" + id + "', md5(g::text) FROM generate_series(1, " + rows + ") g;\n"
                + "INSERT INTO " + s + ".notes (item_id, body) SELECT g, 'note ' || g FROM generate_series(1, " + rows + ") g;\n";
    }

    public void exec(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    public long count(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Per schema and table: row count and an md5 over every row's text, in a stable order. The replaced copies restores
     * keep as their way back ({@code _replaced_*}) are not part of the live state.
     */
    public Map<String, String> state() throws SQLException {
        return state(false);
    }

    /** {@link #state()}, with the kept replaced copies when {@code withReplaced}. */
    public Map<String, String> state(boolean withReplaced) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            List<String[]> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'tasknode')"
                    + " AND n.nspname NOT LIKE 'pg_toast%'" + (withReplaced ? "" : " AND n.nspname NOT LIKE '\\_replaced\\_%'"))) {
                while (rs.next()) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] t : tables) {
                String q = "\"" + t[0] + "\".\"" + t[1] + "\"";
                try (ResultSet rs = st.executeQuery("SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), ''))"
                        + " FROM " + q + " x")) {
                    rs.next();
                    out.put(t[0] + "." + t[1], rs.getLong(1) + ":" + rs.getString(2));
                }
            }
        }
        return out;
    }

    public List<String> schemasLike(String pattern) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE '" + pattern + "' ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** host:port, max_connections and the lock table's size, for benchmark notes. */
    public String serverNote() throws SQLException {
        long conns = count("SELECT current_setting('max_connections')::int");
        long locks = count("SELECT current_setting('max_locks_per_transaction')::int");
        long prepared = count("SELECT current_setting('max_prepared_transactions')::int");
        return server.host() + ":" + server.port() + ", max_connections " + conns + ", max_locks_per_transaction " + locks
                + ", lock table " + locks * (conns + prepared) + " slots";
    }

    @Override
    public void close() {
        ds.close();
        if (keep) {
            BackupTestAccess.deleteTree(dir);
            return;
        }
        if (server.equals(TestEndpoints.postgres())) {
            TestEndpoints.dropDatabaseLater(database);
        } else {
            try (Connection c = java.sql.DriverManager.getConnection(server.adminUrl(), server.user(), server.password());
                 Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop " + database + " on " + server.adminUrl() + ": " + e.getMessage(), e);
            }
        }
        BackupTestAccess.deleteTree(dir);
    }
}
