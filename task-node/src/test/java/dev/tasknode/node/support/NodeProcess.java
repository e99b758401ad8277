package dev.tasknode.node.support;

import dev.tasknode.testing.TestEndpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A task node in a process of its own (same classpath as the tests), for what an in-JVM context cannot show:
 * kill -9, SIGTERM, several replicas. Its output goes to target/node-logs/.
 */
public final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private NodeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static NodeProcess start(NodeTestSupport.Env env, String instance, String... extraArgs) throws IOException {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        TestEndpoints.Rabbit rabbit = TestEndpoints.rabbit();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", // quick start-up for short-lived test nodes
                "-cp", System.getProperty("java.class.path"), "dev.tasknode.node.TaskNodeApplication",
                "--spring.datasource.url=" + env.jdbcUrl(),
                "--spring.datasource.username=" + pg.user(),
                "--spring.datasource.password=" + pg.password(),
                "--spring.datasource.hikari.maximum-pool-size=4",
                "--spring.rabbitmq.host=" + rabbit.host(),
                "--spring.rabbitmq.port=" + rabbit.port(),
                "--spring.rabbitmq.username=" + rabbit.user(),
                "--spring.rabbitmq.password=" + rabbit.password(),
                "--tasknode.node-name=" + env.nodeName(),
                "--tasknode.instance-id=" + instance,
                "--server.port=0"));
        // an extra --key=value replaces the default of the same key (Spring would join duplicates into a list)
        for (String extra : extraArgs) {
            String key = extra.contains("=") ? extra.substring(0, extra.indexOf('=') + 1) : extra;
            cmd.removeIf(a -> a.startsWith(key));
            cmd.add(extra);
        }
        Path dir = Path.of("target", "node-logs");
        Files.createDirectories(dir);
        Path log = dir.resolve(env.nodeName() + "-" + instance + "-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NodeProcess node = new NodeProcess(p, log);
        node.awaitLog("consuming with", Duration.ofSeconds(180)); // generous: CI machines are small and shared
        return node;
    }

    /** Waits until the node's output contains {@code text}. */
    public void awaitLog(String text, Duration wait) throws IOException {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            if (Files.readString(log).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited (" + process.exitValue() + ") before '" + text + "':\n" + tail());
            }
            sleep(100);
        }
        throw new IllegalStateException("node did not log '" + text + "' within " + wait + ":\n" + tail());
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no shutdown hook, no goodbye. */
    public long pid() {
        return process.pid();
    }

    /** Resident set size of the process (VmRSS, Linux), in MiB; -1 when unknown. */
    public double rssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: Spring's graceful shutdown. Returns the exit code. */
    public int terminate(Duration wait) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("node did not stop within " + wait);
        }
        return process.exitValue();
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }

}
