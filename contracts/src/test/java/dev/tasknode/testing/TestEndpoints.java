package dev.tasknode.testing;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private static Postgres postgres2;
    private static Rabbit rabbit;
    /** Debian's name of the second cluster the multi-cluster tests use (.ci/run creates it). */
    public static final String SECOND_CLUSTER = "tn2";
    public static final int SECOND_PORT = 5433;

    public static synchronized Postgres postgres() {
        if (postgres == null) {
            postgres = findPostgres();
        }
        return postgres;
    }

    /**
     * The second PostgreSQL cluster (multi-cluster tests): {@code TASKNODE_TEST_PG2_URL} / {@code _USER} /
     * {@code _PASSWORD}, else the loopback default {@code jdbc:postgresql://127.0.0.1:5433/postgres} as postgres, else
     * it is created and started with Debian's tools ({@code pg_createcluster 15 tn2 -p 5433}) when they exist;
     * otherwise the test fails saying what to start.
     */
    public static synchronized Postgres postgres2() {
        if (postgres2 == null) {
            postgres2 = findPostgres2();
        }
        return postgres2;
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
        return createDatabase(postgres(), prefix);
    }

    /** Creates a fresh database on {@code pg} (e.g. {@link #postgres2()}) and returns its name. */
    public static String createDatabase(Postgres pg, String prefix) {
        String name = uniqueName(prefix);
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
        dropDatabase(postgres(), name);
    }

    /** Drops a test database on {@code pg}, disconnecting whatever still uses it. */
    public static void dropDatabase(Postgres pg, String name) {
        try (Connection c = DriverManager.getConnection(pg.adminUrl(), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Test databases dropped off the tests' threads: every DROP DATABASE waits for a checkpoint (a fraction of a second
     * to a minute on a busy shared server), which the next test class need not wait for. Each drop has a thread of its
     * own, so that drops pending at once share a checkpoint (one after the other, each would wait for its own). The JVM
     * waits for them at exit.
     */
    private static final ExecutorService DROPS = Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("drop-test-database").unstarted(r));
    private static final List<Future<?>> PENDING = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                awaitDatabaseDrops();
            } catch (RuntimeException e) {
                System.err.println(e.getMessage());
            }
        }, "await-test-database-drops"));
    }

    /**
     * Drops a test database on {@code pg} in the background, after {@code first} (e.g. waiting for work still connected
     * to it); {@link #awaitDatabaseDrops()} waits for it. For callers that need nothing of the database gone at once
     * (roles it refers to are not dropped before awaitDatabaseDrops).
     */
    public static void dropDatabaseLater(Postgres pg, String name, Runnable first) {
        synchronized (PENDING) {
            PENDING.removeIf(f -> f.state() == Future.State.SUCCESS);
            PENDING.add(DROPS.submit(() -> {
                first.run();
                try {
                    dropDatabase(pg, name);
                } catch (RuntimeException e) {
                    System.err.println(e.getMessage()); // at once too: nobody may wait for this drop before exit
                    throw e;
                }
                return null;
            }));
        }
    }

    public static void dropDatabaseLater(String name) {
        dropDatabaseLater(postgres(), name, () -> {});
    }

    /** Waits for every drop queued so far; one that failed fails the caller, naming the database and why. */
    public static void awaitDatabaseDrops() {
        List<Future<?>> mine;
        synchronized (PENDING) {
            mine = new ArrayList<>(PENDING);
            PENDING.clear();
        }
        List<String> failed = new ArrayList<>();
        for (Future<?> f : mine) {
            try {
                f.get(3, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                failed.add(String.valueOf(e.getCause().getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the test databases' drops");
            } catch (TimeoutException e) {
                failed.add("a test database's drop did not end within 3 minutes");
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("test databases not dropped: " + String.join("; ", failed));
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

    private static Postgres findPostgres2() {
        String explicit = System.getenv("TASKNODE_TEST_PG2_URL");
        String url = env("TASKNODE_TEST_PG2_URL", "jdbc:postgresql://127.0.0.1:" + SECOND_PORT + "/postgres");
        String user = env("TASKNODE_TEST_PG2_USER", "postgres");
        String password = env("TASKNODE_TEST_PG2_PASSWORD", "");
        URI u = URI.create(url.substring("jdbc:".length()));
        int port = u.getPort() < 0 ? 5432 : u.getPort();
        String failure = connect(url, user, password);
        if (failure == null) {
            return new Postgres(url, user, password, u.getHost(), port);
        }
        String started = null;
        if (explicit == null || explicit.isBlank()) {
            started = startSecondCluster();
            if (started == null && connect(url, user, password) == null) {
                return new Postgres(url, user, password, u.getHost(), port);
            }
        }
        throw new IllegalStateException("the second PostgreSQL cluster is not reachable at " + url + " as " + user + " ("
                + failure + ")" + (started == null ? "" : "; starting it with Debian's tools failed: " + started)
                + ". Create and start it ('pg_createcluster 15 " + SECOND_CLUSTER + " -p " + SECOND_PORT + "', trust for "
                + "127.0.0.1 in its pg_hba.conf, 'pg_ctlcluster --skip-systemctl-redirect 15 " + SECOND_CLUSTER
                + " start'; .ci/run does this) or point TASKNODE_TEST_PG2_URL, _USER and _PASSWORD at a server.");
    }

    private static String connect(String url, String user, String password) {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    /**
     * Creates (when absent) and starts the Debian cluster {@code 15 tn2} on port 5433 with trust on loopback, then waits
     * until it answers. Idempotent. Returns null on success, else what failed (also when Debian's tools are absent).
     */
    public static String startSecondCluster() {
        if (!new java.io.File("/usr/bin/pg_ctlcluster").canExecute()) {
            return "Debian's pg_ctlcluster is not installed";
        }
        try {
            java.nio.file.Path conf = java.nio.file.Path.of("/etc/postgresql/15/" + SECOND_CLUSTER);
            if (!java.nio.file.Files.isDirectory(conf)) {
                String err = run("pg_createcluster", "15", SECOND_CLUSTER, "-p", String.valueOf(SECOND_PORT));
                if (err != null) {
                    return err;
                }
                java.nio.file.Path hba = conf.resolve("pg_hba.conf");
                String text = java.nio.file.Files.readString(hba).replaceAll(
                        "(?m)^(local|host)(\\s+all\\s+all\\s+.*?)(peer|scram-sha-256|md5)$", "$1$2trust");
                java.nio.file.Files.writeString(hba, text);
            }
            String err = run("pg_ctlcluster", "--skip-systemctl-redirect", "15", SECOND_CLUSTER, "start");
            for (int i = 0; i < 60; i++) {
                if (reachable("127.0.0.1", SECOND_PORT)) {
                    return null;
                }
                Thread.sleep(500);
            }
            return err == null ? "started, but it does not answer on 127.0.0.1:" + SECOND_PORT : err;
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Stops the Debian cluster tn2 (immediate mode: as a crash); only the clusters helper's stop test does this. */
    public static String stopSecondCluster() {
        // immediate, as a crash or a lost host: every backend quits at once, no lock is released. A fast stop ends a
        // lock holder's session first, and a statement waiting for it could still commit in that window (seen in CI)
        return run("pg_ctlcluster", "--skip-systemctl-redirect", "15", SECOND_CLUSTER, "stop", "-m", "immediate");
    }

    /** Runs a command; null when it exits 0, else its exit code and output. "already running" counts as success. */
    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            int rc = p.waitFor();
            return rc == 0 || out.contains("already running") ? null : String.join(" ", cmd) + " exited " + rc + ": " + out;
        } catch (Exception e) {
            return String.join(" ", cmd) + ": " + e;
        }
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
