package dev.tasknode.node.schema;

import dev.tasknode.node.support.RecordingContext;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.SchemaProperties;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.testing.TestEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * One test class's own database with a small pool (≤ 4 connections: the server is shared), the node's history
 * table (db/tasknode/20-schema.sql run as the node core would), and the engine wired by hand.
 */
public final class SchemaTestDb implements AutoCloseable {
    public final String database;
    public final HikariDataSource ds;
    public final SchemaProperties props = new SchemaProperties();
    private final boolean drop;

    public SchemaTestDb(String prefix) {
        this(TestEndpoints.createDatabase(prefix), prefix, true);
    }

    /** Over an existing database {@code database}, dropped by {@link #close()} if {@code drop}. */
    public SchemaTestDb(String database, String poolName, boolean drop) {
        this.database = database;
        this.drop = drop;
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(pg.urlFor(database));
        cfg.setUsername(pg.user());
        cfg.setPassword(pg.password());
        cfg.setMaximumPoolSize(4);
        cfg.setMinimumIdle(0);
        cfg.setPoolName(poolName);
        ds = new HikariDataSource(cfg);
        props.setParallelism(3);
        props.setProjectIdsQuery("");
        try (InputStream in = getClass().getResourceAsStream("/db/tasknode/20-schema.sql")) {
            exec(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{schema}", "tasknode")
                    .replaceFirst("^", "CREATE SCHEMA IF NOT EXISTS tasknode;\n"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each wiring has its own meter registry, as a node has one SchemaMetrics. */
    public record Wiring(SchemaEngine engine, SchemaReports reports, FleetApplier applier, SchemaMetrics metrics,
                         SimpleMeterRegistry registry) {}

    /** Engine over {@code model} (null = the sample model shipped in task-node). */
    public Wiring wire(ModelSet model) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SchemaMetrics metrics = new SchemaMetrics(registry);
        SchemaEngine engine = new SchemaEngine(ds, props, new Fleet(props), "tasknode", model, metrics);
        StaticListableBeanFactory none = new StaticListableBeanFactory();
        FleetApplier applier = new FleetApplier(engine, none.getBeanProvider(dev.tasknode.node.db.PreMigrationBackup.class));
        return new Wiring(engine, new SchemaReports(engine), applier, metrics, registry);
    }

    public void exec(String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row, as text. */
    public String exec1(String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public long count(String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        ds.close();
        if (drop) {
            // in the background (TestEndpoints.awaitDatabaseDrops waits for it), after the engine's own drops
            List<Thread> scratch = scratchDrops();
            TestEndpoints.dropDatabaseLater(TestEndpoints.postgres(), database, () -> await(scratch));
        }
    }

    /**
     * The engine's background drops of its scratch databases running now. Each runs over a connection to the pool's
     * database, this one: dropping it WITH (FORCE) before they end would cut them off mid-drop, leaving the scratch
     * databases to the sweep a minute later, and with them every grant they hold to a test's roles.
     */
    private static List<Thread> scratchDrops() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> "scratch-drop".equals(t.getName())).toList();
    }

    /** At most 3 minutes: a drop waits for a checkpoint, seconds on a busy server. */
    private static void await(List<Thread> threads) {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
        for (Thread t : threads) {
            try {
                t.join(java.time.Duration.ofNanos(Math.max(1, end - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The shared recording context under the name these tests use. */
    public static class Ctx extends RecordingContext {
        public Ctx(String task, Map<String, ?> params) {
            super(task, params);
        }
    }
}
