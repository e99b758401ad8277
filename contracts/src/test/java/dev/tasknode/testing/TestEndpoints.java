package dev.tasknode.testing;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * Where the integration tests find PostgreSQL and RabbitMQ, shared by every module (test-jar of contracts).
 *
 * <p>Order: the {@code TASKNODE_TEST_PG_URL} / {@code TASKNODE_TEST_AMQP_URI} environment variables, else the
 * loopback defaults (127.0.0.1:5432 user postgres; amqp://guest:guest@127.0.0.1:5672), else Testcontainers
 * when a Docker engine answers. When none is reachable the test fails with a message that says what to
 * start — never a silent skip, never a fake.
 */
public final class TestEndpoints {
    private TestEndpoints() {}

    public record Postgres(String adminUrl, String user, String password, String host, int port) {
        /** JDBC URL of another database on the same server. */
        public String urlFor(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
    }

    public record Rabbit(String host, int port, String user, String password) {
        public String uri() {
            return "amqp://" + user + ":" + password + "@" + host + ":" + port;
        }
    }

    private static Postgres postgres;
    private static Rabbit rabbit;

    public static synchronized Postgres postgres() {
        if (postgres == null) {
            postgres = findPostgres();
        }
        return postgres;
    }

    public static synchronized Rabbit rabbit() {
        if (rabbit == null) {
            rabbit = findRabbit();
        }
        return rabbit;
    }

    /** A name no other test class or earlier run uses: {@code prefix_<12 hex>}, lower case. */
    public static String uniqueName(String prefix) {
        return (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)).toLowerCase(Locale.ROOT);
    }

    /** Creates a fresh database for one test class and returns its name. */
    public static String createDatabase(String prefix) {
        String name = uniqueName(prefix);
        Postgres pg = postgres();
        try (Connection c = DriverManager.getConnection(pg.adminUrl(), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    /** Drops a test database, disconnecting whatever still uses it. */
    public static void dropDatabase(String name) {
        Postgres pg = postgres();
        try (Connection c = DriverManager.getConnection(pg.adminUrl(), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    private static Postgres findPostgres() {
        String url = env("TASKNODE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String user = env("TASKNODE_TEST_PG_USER", "postgres");
        String password = env("TASKNODE_TEST_PG_PASSWORD", "");
        URI u = URI.create(url.substring("jdbc:".length()));
        String host = u.getHost();
        int port = u.getPort() < 0 ? 5432 : u.getPort();
        String failure;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            return new Postgres(url, user, password, host, port);
        } catch (SQLException e) {
            failure = e.getMessage();
        }
        if (dockerAvailable()) {
            PostgreSQLContainer pg = new PostgreSQLContainer("postgres:15");
            pg.start();
            return new Postgres(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword(), pg.getHost(),
                    pg.getMappedPort(5432));
        }
        throw new IllegalStateException("PostgreSQL is not reachable at " + url + " as " + user + " (" + failure
                + ") and no Docker engine is available for Testcontainers. Start PostgreSQL (e.g. "
                + "'pg_ctlcluster --skip-systemctl-redirect 15 main start') or point TASKNODE_TEST_PG_URL, "
                + "TASKNODE_TEST_PG_USER and TASKNODE_TEST_PG_PASSWORD at a server.");
    }

    private static Rabbit findRabbit() {
        URI u = URI.create(env("TASKNODE_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672"));
        String[] userInfo = (u.getUserInfo() == null ? "guest:guest" : u.getUserInfo()).split(":", 2);
        int port = u.getPort() < 0 ? 5672 : u.getPort();
        if (reachable(u.getHost(), port)) {
            return new Rabbit(u.getHost(), port, userInfo[0], userInfo.length > 1 ? userInfo[1] : "");
        }
        if (dockerAvailable()) {
            RabbitMQContainer r = new RabbitMQContainer("rabbitmq:3.13-management");
            r.start();
            return new Rabbit(r.getHost(), r.getAmqpPort(), r.getAdminUsername(), r.getAdminPassword());
        }
        throw new IllegalStateException("RabbitMQ is not reachable at " + u.getHost() + ":" + port
                + " and no Docker engine is available for Testcontainers. Start RabbitMQ (e.g. "
                + "'rabbitmq-server -detached') or point TASKNODE_TEST_AMQP_URI at a broker.");
    }

    private static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
