package dev.tasknode.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's demo, end to end, as a newcomer runs it: {@code ./tasknode --demo} from the repository root, with a
 * Java 17 first on the PATH when the machine has one (the launcher must find a JDK >= 21 itself), and the normal
 * PostgreSQL and RabbitMQ settings pointed at closed ports, which proves the demo uses neither. Then every task
 * of the catalog goes through the CLI jar, and the Admin page signs in the demo user.
 */
class DemoModeIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path CLI = ROOT.resolve("rpc-client/target/tasknode-cli.jar");
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    static final Path OLD_JAVA = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin");
    static final Pattern AMQP = Pattern.compile("--uri (amqp://\\S+) --node (\\S+)");
    static final Pattern JDBC = Pattern.compile("PostgreSQL 15 \\(embedded\\)\\s+(jdbc:postgresql://\\S+)");

    static Process node;
    static final List<String> output = new CopyOnWriteArrayList<>();
    static String amqp;
    static String nodeName;
    static String jdbc;
    static int httpPort;

    @BeforeAll
    static void startDemo() throws Exception {
        httpPort = freePort();
        ProcessBuilder pb = new ProcessBuilder("bash", "./tasknode", "--demo", "--server.port=" + httpPort)
                .directory(ROOT.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        String path = env.getOrDefault("PATH", "/usr/bin:/bin");
        env.put("PATH", Files.isDirectory(OLD_JAVA) ? OLD_JAVA + ":" + path : path);
        env.put("TASKNODE_NO_BUILD", "1"); // the reactor built the jars just before this test
        env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + freePort() + "/nothing_listens_here");
        env.put("SPRING_RABBITMQ_HOST", "127.0.0.1");
        env.put("SPRING_RABBITMQ_PORT", Integer.toString(freePort()));
        node = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (amqp == null) {
            if (!node.isAlive()) {
                throw new AssertionError("the demo stopped (exit " + node.exitValue() + "):\n" + String.join("\n", output));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no demo banner within 4 minutes:\n" + String.join("\n", output));
            }
            for (String line : output) {
                Matcher m = AMQP.matcher(line);
                if (m.find()) {
                    amqp = m.group(1);
                    nodeName = m.group(2);
                }
                Matcher j = JDBC.matcher(line);
                if (j.find()) {
                    jdbc = j.group(1);
                }
            }
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopDemo() throws InterruptedException {
        if (node != null) {
            node.destroy();
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }

    @Test
    void saysLoudlyWhatItIsAndUsesNeitherTheConfiguredDatabaseNorBroker() {
        String all = String.join("\n", output);
        assertThat(all).contains("tasknode DEMO MODE", "sign in as admin / admin", "Admin page: http://localhost:" + httpPort + "/admin");
        assertThat(all).contains("with openjdk version \"2"); // the launcher chose a JDK >= 21 over the PATH's java
        assertThat(amqp).doesNotContain(":5672/");
        assertThat(jdbc).doesNotContain(":5432/");
        assertThat(all).doesNotContain("nothing_listens_here");
    }

    @Test
    void everyTaskRunsThroughTheCli() throws Exception {
        Set<String> ran = new LinkedHashSet<>();
        assertThat(cli("tasks")).contains("create_tables", "restore_database");
        assertThat(start(ran, "create_tables")).contains("SUCCEEDED");
        assertThat(start(ran, "schema_status")).contains("4 up to date");
        assertThat(start(ran, "propose_migrations")).contains("SUCCEEDED");
        assertThat(start(ran, "apply_migrations", "--param", "dry_run=true")).contains("SUCCEEDED");
        assertThat(start(ran, "ping", "hello")).contains("pong");
        assertThat(start(ran, "sleep", "1")).contains("SUCCEEDED");
        String backup = start(ran, "backup_database");
        Matcher id = Pattern.compile("backup (\\d{8}_\\d{6}) complete").matcher(backup);
        assertThat(id.find()).as(backup).isTrue();
        String backupId = id.group(1);
        assertThat(start(ran, "list_backups")).contains(backupId);
        assertThat(start(ran, "show_backup", backupId)).contains("p_2");
        assertThat(start(ran, "verify_backup", backupId)).contains("SUCCEEDED");

        long tasks = count("SELECT count(*) FROM p_2.tasks");
        assertThat(tasks).isEqualTo(80); // the sample data: 40 tasks per project id
        sql("DELETE FROM p_2.tasks");
        assertThat(start(ran, "restore_database", backupId + ":p_2")).contains("SUCCEEDED");
        assertThat(count("SELECT count(*) FROM p_2.tasks")).isEqualTo(tasks);
        assertThat(start(ran, "prune_backups", "--param", "keep_last=1", "--param", "dry_run=true")).contains("SUCCEEDED");

        assertThat(ran).containsExactlyInAnyOrderElementsOf(TaskCatalog.all().stream().map(TaskSpec::name).toList());
    }

    @Test
    void theAdminPageSignsInTheDemoUser() throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://127.0.0.1:" + httpPort;
        String login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login);
        assertThat(csrf.find()).as(login).isTrue();
        String form = "username=admin&password=admin&_csrf=" + csrf.group(1);
        http.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/api/me")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"user\":\"admin\"", "ADMIN");
    }

    private static String start(Set<String> ran, String task, String... args) throws Exception {
        ran.add(task);
        List<String> cmd = new ArrayList<>(List.of("start", task));
        cmd.addAll(List.of(args));
        return cli(cmd.toArray(String[]::new));
    }

    private static String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString(), "-jar", CLI.toString(), "--uri", amqp, "--node", nodeName,
                "--timeout", "180"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(200, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + out).isZero();
        return out;
    }

    private static long count(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", ""); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
