package dev.tasknode.node.backup.pg;

import dev.tasknode.node.backup.BackupProperties;
import dev.tasknode.node.task.TaskContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Runs pg_dump, pg_restore and psql: argument arrays (never a shell), the password in the environment (never on
 * the command line, where ps shows it), a time limit, stderr streamed into the task log, killed on cancel.
 * The connection comes from {@code spring.datasource.url/username/password}, so the tools reach the same
 * database as the node.
 */
@Component
public class PgTools {
    /** Where a subprocess connects. {@code sslmode} and friends of the JDBC URL travel as PG* variables. */
    public record Target(String host, int port, String database, String user, String password, Map<String, String> env) {
        /** Parses {@code jdbc:postgresql://host[:port]/db[?k=v&...]}. */
        public static Target fromJdbc(String url, String user, String password) {
            if (url == null || !url.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("spring.datasource.url is not a PostgreSQL JDBC URL: " + url);
            }
            URI u = URI.create(url.substring("jdbc:".length()));
            String db = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
            Map<String, String> env = new HashMap<>();
            String u2 = user;
            String pw = password;
            if (u.getQuery() != null) {
                for (String kv : u.getQuery().split("&")) {
                    String[] p = kv.split("=", 2);
                    String v = p.length > 1 ? p[1] : "";
                    switch (p[0]) {
                        case "sslmode" -> env.put("PGSSLMODE", v);
                        case "sslrootcert" -> env.put("PGSSLROOTCERT", v);
                        case "user" -> u2 = u2 == null || u2.isEmpty() ? v : u2;
                        case "password" -> pw = pw == null || pw.isEmpty() ? v : pw;
                        default -> { }
                    }
                }
            }
            return new Target(u.getHost() == null ? "127.0.0.1" : u.getHost(), u.getPort() < 0 ? 5432 : u.getPort(), db,
                    u2 == null || u2.isEmpty() ? "postgres" : u2, pw == null ? "" : pw, Map.copyOf(env));
        }

        /**
         * The same target with a server setting for the tools' sessions ({@code PGOPTIONS=-c name=value}, added to
         * any given): e.g. {@code synchronous_commit=off} for a restore's loads (see SchemaRestorer).
         */
        public Target withSetting(String name, String value) {
            Map<String, String> e = new HashMap<>(env);
            e.merge("PGOPTIONS", "-c " + name + "=" + value, (a, b) -> a + " " + b);
            return new Target(host, port, database, user, password, Map.copyOf(e));
        }

        public String jdbcUrl(String db) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + db;
        }

        /** The connection options every tool takes; the database is chosen by the caller (-d). */
        List<String> args() {
            return List.of("-h", host, "-p", Integer.toString(port), "-U", user, "-w");
        }
    }

    /** What a run left behind: exit code and the last lines of stderr, for error messages. */
    public record Result(int exit, List<String> stderrTail) {
        public boolean ok() {
            return exit == 0;
        }

        public String tail() {
            return String.join(" | ", stderrTail);
        }
    }

    private final BackupProperties props;
    private final Target target;
    /** Null in tests that wire the backup beans by hand: children are then not journaled. */
    private final ChildProcesses children;

    @Autowired
    public PgTools(BackupProperties props, Environment env, ChildProcesses children) {
        this(props, Target.fromJdbc(env.getProperty("spring.datasource.url"), env.getProperty("spring.datasource.username"),
                env.getProperty("spring.datasource.password")), children);
    }

    public PgTools(BackupProperties props, Target target) {
        this(props, target, null);
    }

    public PgTools(BackupProperties props, Target target, ChildProcesses children) {
        this.props = props;
        this.target = target;
        this.children = children;
    }

    /** The same tools (paths, child journal) against another server: one cluster of the fleet (cluster/). */
    public PgTools on(Target other) {
        return new PgTools(props, other, children);
    }

    public Target target() {
        return target;
    }

    public BackupProperties props() {
        return props;
    }

    /** pg_dump's version line, e.g. "pg_dump (PostgreSQL) 15.20". */
    public String version(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + tool + " (tasknode.backup.pg-dump/pg-restore/psql): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }

    /** Full argument list: tool, connection options, database, then {@code args}. */
    public List<String> command(String tool, String database, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(target.args());
        cmd.add("-d");
        cmd.add(database);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs a command to its end. {@code appName} becomes the connection's application_name, so start-up repair can
     * find and end a subprocess orphaned by a killed node. {@code stdin}, when given, is written to the process.
     */
    public Result run(TaskContext ctx, List<String> cmd, String appName, Path stdout, StdinWriter stdin) throws IOException {
        return exec(ctx, cmd, appName, stdout, stdin, null);
    }

    /** Runs a command to its end while {@code reader} consumes its stdout (pg_restore's plain output, for row counts). */
    public Result run(TaskContext ctx, List<String> cmd, String appName, StdoutReader reader) throws IOException {
        return exec(ctx, cmd, appName, null, null, reader);
    }

    private Result exec(TaskContext ctx, List<String> cmd, String appName, Path stdout, StdinWriter stdin,
                        StdoutReader reader) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.putAll(target.env());
        if (!target.password().isEmpty()) {
            env.put("PGPASSWORD", target.password());
        }
        String app = children == null ? appName : children.appName(appName);
        env.put("PGAPPNAME", app);
        env.put("PGCONNECT_TIMEOUT", "30");
        pb.redirectOutput(reader != null ? ProcessBuilder.Redirect.PIPE
                : stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        String name = Path.of(cmd.get(0)).getFileName().toString();
        Process p = pb.start();
        if (children != null) {
            // journaled while it runs: a successor of a node killed with -9 ends it (ChildProcesses)
            int d = cmd.indexOf("-d");
            children.started(p, cmd.get(0), app, d >= 0 && d + 1 < cmd.size() ? cmd.get(d + 1) : "");
        }
        try {
            return await(ctx, p, name, stdin, reader);
        } finally {
            if (children != null && !p.isAlive()) {
                children.ended(p);
            }
        }
    }

    private Result await(TaskContext ctx, Process p, String name, StdinWriter stdin, StdoutReader reader) throws IOException {
        Deque<String> tail = new ArrayDeque<>();
        Thread err = Thread.ofPlatform().daemon().name(name + "-stderr").start(() -> pump(p.getErrorStream(), line -> {
            ctx.log().warn(name + ": " + line);
            synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > 5) {
                    tail.removeFirst();
                }
            }
        }));
        Thread in = null;
        if (stdin != null) {
            in = Thread.ofPlatform().daemon().name(name + "-stdin").start(() -> {
                try (OutputStream os = p.getOutputStream()) {
                    stdin.write(os);
                } catch (IOException e) {
                    // the process ended early (error or kill): its exit code and stderr say why
                }
            });
        }
        AtomicReference<IOException> readFailed = new AtomicReference<>();
        Thread out = reader == null ? null : Thread.ofPlatform().daemon().name(name + "-stdout").start(() -> {
            try (InputStream is = p.getInputStream()) {
                reader.read(is);
                is.transferTo(OutputStream.nullOutputStream()); // never leave the process blocked on a full pipe
            } catch (IOException | RuntimeException e) {
                readFailed.set(e instanceof IOException x ? x : new IOException(e));
                kill(p);
            }
        });
        try (AutoCloseable c = ctx.onCancel(() -> kill(p))) {
            if (!p.waitFor(props.getSubprocessTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                p.waitFor(10, TimeUnit.SECONDS);
                err.join(2000);
                throw new IOException(name + " ran longer than tasknode.backup.subprocess-timeout ("
                        + props.getSubprocessTimeout() + ") and was killed");
            }
            err.join(5000);
            if (in != null) {
                in.join(5000);
            }
            if (out != null) {
                out.join();
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new CancellationException(name + " interrupted");
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        ctx.checkCancelled();
        if (readFailed.get() != null) {
            throw new IOException("reading the output of " + name + ": " + readFailed.get().getMessage(), readFailed.get());
        }
        synchronized (tail) {
            return new Result(p.exitValue(), List.copyOf(tail));
        }
    }

    /** Consumes a subprocess's stdout as it is written. */
    @FunctionalInterface
    public interface StdoutReader {
        void read(InputStream in) throws IOException;
    }

    /** Feeds a subprocess's stdin (the prototype's gzipped SQL into psql). */
    @FunctionalInterface
    public interface StdinWriter {
        void write(OutputStream os) throws IOException;
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void pump(InputStream in, Consumer<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    sink.accept(line);
                }
            }
        } catch (IOException e) {
            // stream closed by a kill
        }
    }
}
