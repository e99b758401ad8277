package dev.tasknode.demo;

import dev.tasknode.client.RpcManager;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Demo mode inside the node's context: stops the embedded servers after every other bean (so the node
 * finishes with its broker and database still there), and once the node is ready loads the sample data and
 * says loudly what this is. The data goes in the way an operator would do it: create_tables through the
 * broker with the Java client, rows with SQL, create_tables again for the projects.
 */
public class DemoContext implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    private static final Logger log = LoggerFactory.getLogger("tasknode.demo");
    static final List<Integer> PROJECTS = List.of(1, 2, 3);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        DemoServices services = DemoServices.current();
        if (services == null || !DemoEnvironment.requested(context.getEnvironment())) {
            return;
        }
        // registered before any bean: destroyed after all of them
        context.getBeanFactory().registerSingleton("tasknodeDemoServices", services);
        if (context.getBeanFactory() instanceof org.springframework.beans.factory.support.DefaultListableBeanFactory f) {
            f.registerDisposableBean("tasknodeDemoServices", services::close);
        }
        context.addApplicationListener(event -> {
            if (event instanceof ApplicationReadyEvent ready && ready.getApplicationContext() == context) {
                seed(context, services);
                announce(context.getEnvironment(), services);
            }
        });
    }

    private static void seed(ConfigurableApplicationContext context, DemoServices services) {
        Environment env = context.getEnvironment();
        String node = env.getProperty("tasknode.node-name", "admin.task_node");
        String shared = env.getProperty("tasknode.schema.shared", "shared");
        DataSource ds = context.getBean(DataSource.class);
        try (RpcManager rpc = RpcManager.connect(amqpUri(services))) {
            createTables(rpc, node);
            run(ds, resource("shared-data.sql").replace("{shared}", shared));
            createTables(rpc, node);
            for (int id : PROJECTS) {
                run(ds, resource("project-data.sql").replace("{schema}", "p_" + id).replace("{shared}", shared)
                        .replace("{id}", Integer.toString(id)));
            }
        }
    }

    private static void createTables(RpcManager rpc, String node) {
        TaskResult r = rpc.timeout(120).taskStart(node, "create_tables", Map.of()).join(Duration.ofMinutes(2));
        if (r.status() != TaskStatus.SUCCEEDED) {
            throw new IllegalStateException("demo mode: create_tables ended " + r.status() + ": " + r.summary());
        }
    }

    private static void run(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("demo mode: loading the sample data failed: " + e.getMessage(), e);
        }
    }

    private static String resource(String name) {
        try (var in = DemoContext.class.getResourceAsStream("/demo/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String amqpUri(DemoServices s) {
        return "amqp://" + DemoServices.AMQP_USER + ":" + DemoServices.AMQP_PASSWORD + "@127.0.0.1:" + s.amqpPort + "/default";
    }

    private static void announce(Environment env, DemoServices s) {
        String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
        String node = env.getProperty("tasknode.node-name", "admin.task_node");
        String backups = DemoEnvironment.pgDump().map(p -> "backups use " + p + " into " + s.home.resolve("backups"))
                .orElse("backups are REFUSED: no pg_dump on this machine; install the PostgreSQL client tools (15 or newer), "
                        + "e.g. apt-get install postgresql-client or brew install libpq, and start again");
        String line = "=".repeat(100);
        log.warn("""

                {}
                  tasknode DEMO MODE: embedded servers, sample data, development users. Not for real use;
                  everything is deleted when the node stops. The PostgreSQL and RabbitMQ settings were ignored.
                    PostgreSQL 15 (embedded)  {}
                    AMQP broker (embedded)    amqp://127.0.0.1:{}/default (Apache Qpid Broker-J, in memory)
                    sample model              shared schema 'shared' and projects {} (schemas p_1 … p_3) with rows
                    {}
                  Admin page: http://localhost:{}/admin   sign in as admin / admin (or operator / operator)
                  CLI:        java -jar rpc-client/target/tasknode-cli.jar --uri {} --node {} tasks
                {}""", line, s.jdbcUrl(), s.amqpPort, PROJECTS, backups, port, amqpUri(s), node, line);
    }
}
