package dev.tasknode.node.fault;

import static dev.tasknode.node.support.NodeProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.SchemaProperties;
import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.SchemaMetrics;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.tasks.ApplyMigrationsTask;
import dev.tasknode.node.support.NodeProcess;
import dev.tasknode.node.support.NodeTestSupport;
import dev.tasknode.node.support.ProtocolClient;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskOutcome;
import dev.tasknode.testing.TcpProxy;
import dev.tasknode.testing.TestEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * Issue 11 fault tests of apply_migrations against the real database: its connection cut (a TCP proxy the test
 * controls) in the middle of a schema's migration, and the node killed with -9 in the middle. Either way the
 * schema's transaction is rolled back — the schema is whole, as before — and the run is reported as not
 * succeeded (failed, or interrupted by the successor).
 */
class ApplyFaultTest {
    static final String SHARED = "CREATE TABLE {schema}.projects (id text PRIMARY KEY);";
    static final String V1 = "CREATE TABLE {schema}.t (id bigint PRIMARY KEY, a text);";
    /** What apply must do: an index build on 1.5 million rows, long enough to cut it off mid-way. */
    static final String V2 = V1 + "CREATE INDEX t_a_idx ON {schema}.t (a);";
    NodeTestSupport.Env env;

    @BeforeEach
    void setUp() throws Exception {
        env = NodeTestSupport.create("tnrel_applyfault");
        exec("CREATE SCHEMA tasknode; CREATE SCHEMA shared; " + SHARED.replace("{schema}", "shared")
                + "INSERT INTO shared.projects VALUES ('f1'); CREATE SCHEMA p_f1; " + V1.replace("{schema}", "p_f1")
                + "INSERT INTO p_f1.t SELECT g, md5(g::text) || md5((g + 7)::text) FROM generate_series(1, 1500000) g;");
        try (InputStream in = getClass().getResourceAsStream("/db/tasknode/20-schema.sql")) {
            exec(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{schema}", "tasknode"));
        }
    }

    @AfterEach
    void tearDown() {
        TestEndpoints.dropDatabaseLater(env.database());
    }

    @Test
    void aDatabaseConnectionCutMidApplyRollsTheSchemaBackAndTheRunFails() throws Exception {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        try (TcpProxy proxy = new TcpProxy(pg.host(), pg.port()); HikariDataSource ds = viaProxy(proxy.port())) {
            SchemaProperties props = new SchemaProperties();
            props.setParallelism(1);
            props.setLargeTableRows(1_000_000_000L); // the index build is then an ordinary step, no lock warning
            SchemaEngine engine = new SchemaEngine(ds, props, new Fleet(props), "tasknode", model(V2),
                    new SchemaMetrics(new SimpleMeterRegistry()));
            FleetApplier applier = new FleetApplier(engine,
                    new StaticListableBeanFactory().getBeanProvider(dev.tasknode.node.db.PreMigrationBackup.class));
            RecordingContext ctx = new RecordingContext(TaskNames.APPLY_MIGRATIONS, Map.of("param", "f1", "backup", false));
            CompletableFuture<TaskOutcome> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return new ApplyMigrationsTask(applier).run(ctx);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await(() -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND state = 'active' AND query ILIKE 'CREATE INDEX%'") > 0, Duration.ofSeconds(90));
            proxy.cut();
            TaskOutcome out;
            try {
                out = run.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // the runner records a thrown task as failed with its message: it must say what happened
                assertThat(String.valueOf(e.getCause().getMessage())).containsAnyOf("I/O error", "connection", "Connection");
                out = null;
            }
            if (out != null) {
                assertThat(out.status()).as(out.summary()).isIn(TaskStatus.FAILED, TaskStatus.PARTIAL);
                assertThat(out.status()).isNotEqualTo(TaskStatus.SUCCEEDED);
            }
        }
        assertSchemaWhole();
    }

    @Test
    void theNodeKilledMidApplyIsRecordedInterruptedByItsSuccessorAndTheSchemaIsWhole() throws Exception {
        Path models = Files.createTempDirectory("tnrel-models-");
        Files.createDirectories(models.resolve("shared"));
        Files.createDirectories(models.resolve("project"));
        Files.writeString(models.resolve("shared/10.sql"), SHARED);
        Files.writeString(models.resolve("project/10.sql"), V2);
        String[] args = {"--tasknode.schema.models-dir=" + models, "--tasknode.schema.large-table-rows=1000000000"};
        try (ProtocolClient client = new ProtocolClient(env.nodeName())) {
            String taskId;
            try (NodeProcess first = NodeProcess.start(env, "first", args)) {
                ProtocolClient.Call call = client.start("apply_migrations", Map.of("param", "f1", "backup", false));
                assertThat(call.reply(Duration.ofSeconds(30)).isAccepted()).isTrue();
                taskId = call.taskId;
                await(() -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND state = 'active' AND query ILIKE 'CREATE INDEX%'") > 0, Duration.ofSeconds(90));
                first.kill9();
            }
            try (NodeProcess second = NodeProcess.start(env, "second", args)) {
                await(() -> status(client, taskId) == TaskStatus.INTERRUPTED, Duration.ofSeconds(60));
            }
            client.deleteNodeQueues();
        } finally {
            dev.tasknode.node.backup.store.BackupTestAccess.deleteTree(models);
        }
        assertSchemaWhole();
    }

    private static TaskStatus status(ProtocolClient client, String taskId) {
        try {
            ControlReply r = client.control(ControlRequest.of(TaskNames.Control.STATUS, taskId));
            return r.ok() ? r.task().status() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The index build was rolled back (its backend may run on until it notices its client is gone). */
    private void assertSchemaWhole() throws Exception {
        await(() -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND query ILIKE 'CREATE INDEX%' AND pid <> pg_backend_pid()") == 0, Duration.ofSeconds(120));
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'p_f1' AND indexname = 't_a_idx'")).isZero();
        assertThat(count("SELECT count(*) FROM p_f1.t")).isEqualTo(1_500_000L);
        assertThat(count("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " WHERE c.relnamespace = 'p_f1'::regnamespace AND NOT i.indisvalid")).as("no invalid index left").isZero();
    }

    private static ModelSet model(String project) {
        return new ModelSet(List.of(new ModelFile(ModelSet.Kind.SHARED, "shared/10.sql", "test", SHARED)),
                List.of(new ModelFile(ModelSet.Kind.PROJECT, "project/10.sql", "test", project)));
    }

    private HikariDataSource viaProxy(int port) {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/" + env.database());
        cfg.setUsername(pg.user());
        cfg.setPassword(pg.password());
        cfg.setMaximumPoolSize(4);
        cfg.setMinimumIdle(0);
        cfg.setPoolName("tnrel-fault");
        return new HikariDataSource(cfg);
    }

    private void exec(String sql) throws Exception {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        try (Connection c = DriverManager.getConnection(env.jdbcUrl(), pg.user(), pg.password()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private long count(String sql) {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        try (Connection c = DriverManager.getConnection(env.jdbcUrl(), pg.user(), pg.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }
}
