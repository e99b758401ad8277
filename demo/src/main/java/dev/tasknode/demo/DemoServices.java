package dev.tasknode.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.catalina.webresources.TomcatURLStreamHandlerFactory;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.SystemConfig;

/**
 * The two embedded servers of demo mode: PostgreSQL 15 (zonky's binaries, a fresh data directory each start)
 * and an AMQP 0-9-1 broker (Apache Qpid Broker-J, in memory), both on free loopback ports so they never
 * collide with a real PostgreSQL or RabbitMQ on the machine. One per JVM; stopped when the node stops.
 */
final class DemoServices implements AutoCloseable {
    static final String AMQP_USER = "guest";
    static final String AMQP_PASSWORD = "guest";
    private static DemoServices running;

    final EmbeddedPostgres postgres;
    final SystemLauncher broker;
    final int amqpPort;
    final Path home;

    private DemoServices(EmbeddedPostgres postgres, SystemLauncher broker, int amqpPort, Path home) {
        this.postgres = postgres;
        this.broker = broker;
        this.amqpPort = amqpPort;
        this.home = home;
    }

    static synchronized DemoServices start() {
        if (running != null) {
            return running;
        }
        try {
            Path home = Files.createTempDirectory("tasknode-demo");
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(home.resolve("pgdata")).setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "100").start();
            int port = freePort();
            SystemLauncher qpid = startBroker(home.resolve("qpid"), port);
            running = new DemoServices(pg, qpid, port, home);
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException("demo mode: cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("demo mode: cannot start the embedded AMQP broker: " + e.getMessage(), e);
        }
    }

    static synchronized DemoServices current() {
        return running;
    }

    private static SystemLauncher startBroker(Path work, int port) throws Exception {
        Files.createDirectories(work);
        // Qpid reads "classpath:" URLs, whose handler the JDK looks for on the system class path only, where the
        // node's jars are not (they are inside task-node.jar). Tomcat's global handler factory, which the node's
        // web server installs anyway, resolves classpath: through the context class loader.
        TomcatURLStreamHandlerFactory.getInstance();
        URL config = DemoServices.class.getResource("/demo/qpid-config.json");
        Map<String, Object> context = new HashMap<>();
        context.put("qpid.amqp_port", port);
        context.put("qpid.work_dir", work.toString());
        context.put("qpid.home_dir", work.toString());
        // Qpid reads the 0-9-1 "expiration" property as an absolute time (its JMS mapping), RabbitMQ and the
        // node's callers as a relative TTL in ms, so every request would arrive expired (in 1970). A minimum TTL
        // lifts such expirations to arrival + 5 min; the node still checks each request's own deadline headers.
        context.put("queue.minimumMessageTtl", "300000");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(SystemConfig.TYPE, "Memory");
        attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toExternalForm());
        attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
        attributes.put(SystemConfig.CONTEXT, context);
        SystemLauncher launcher = new SystemLauncher();
        launcher.startup(attributes);
        return launcher;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    @Override
    public synchronized void close() {
        try {
            broker.shutdown();
        } finally {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("demo mode: stopping the embedded PostgreSQL: " + e.getMessage());
            }
            deleteTree(home);
            running = null;
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
