package dev.tasknode.node.schema;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tasknode.contracts.TaskCatalog;
import dev.tasknode.contracts.TaskParams;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.SchemaProperties;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskLog;
import dev.tasknode.testing.TestEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * One test class's own database with a small pool (≤ 4 connections: the server is shared), the node's history
 * table (db/tasknode/20-schema.sql run as the node core would), and the engine wired by hand.
 */
public final class SchemaTestDb implements AutoCloseable {
    public final String database;
    public final HikariDataSource ds;
    public final SchemaProperties props = new SchemaProperties();

    public SchemaTestDb(String prefix) {
        database = TestEndpoints.createDatabase(prefix);
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(pg.urlFor(database));
        cfg.setUsername(pg.user());
        cfg.setPassword(pg.password());
        cfg.setMaximumPoolSize(4);
        cfg.setMinimumIdle(0);
        cfg.setPoolName(prefix);
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
        TestEndpoints.dropDatabase(database);
    }

    /** A TaskContext that records log lines and progress. */
    public static class Ctx implements TaskContext {
        public final List<String> lines = new CopyOnWriteArrayList<>();
        public volatile long lastDone;
        public volatile boolean cancel;
        private final TaskParams params;
        private final String id;

        public Ctx(String task, Map<String, ?> params) {
            this.params = TaskCatalog.parse(task, params);
            this.id = "test-" + java.util.UUID.randomUUID();
        }

        @Override
        public String taskId() {
            return id;
        }

        @Override
        public TaskParams params() {
            return params;
        }

        @Override
        public String requestedBy() {
            return "test";
        }

        @Override
        public TaskLog log() {
            return new TaskLog() {
                public void info(String m) {
                    lines.add("INFO " + m);
                }

                public void warn(String m) {
                    lines.add("WARN " + m);
                }

                public void error(String m) {
                    lines.add("ERROR " + m);
                }
            };
        }

        @Override
        public void progress(long done, long total, String message) {
            lastDone = done;
        }

        @Override
        public boolean cancelled() {
            return cancel;
        }

        @Override
        public AutoCloseable onCancel(Runnable action) {
            return () -> { };
        }

        public String text() {
            return String.join("\n", lines);
        }
    }
}
