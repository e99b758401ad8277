package dev.tasknode.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * Demo mode's switch. With {@code --demo} (or the {@code demo} profile) it starts the embedded servers
 * before the node reads its settings, and puts their addresses in front of every other property source, so
 * whatever the environment says about PostgreSQL and RabbitMQ is not used. Without either, it does nothing.
 */
public class DemoEnvironment implements EnvironmentPostProcessor, Ordered {
    static final String SOURCE = "tasknode-demo";
    static final String NO_PG_DUMP = "[not installed: demo mode found no pg_dump on the PATH; install the PostgreSQL "
            + "client tools, version 15 or newer (Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install "
            + "libpq), then start the demo again]";

    static boolean requested(ConfigurableEnvironment env) {
        String flag = env.getProperty("demo");
        return (flag != null && !flag.equalsIgnoreCase("false")) || env.acceptsProfiles(Profiles.of("demo"));
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!requested(env) || env.getPropertySources().contains(SOURCE)) {
            return;
        }
        System.out.println("tasknode demo mode: starting an embedded PostgreSQL 15 and an embedded AMQP broker…");
        DemoServices s = DemoServices.start();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", s.jdbcUrl());
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.password", "");
        p.put("spring.rabbitmq.host", "127.0.0.1");
        p.put("spring.rabbitmq.port", s.amqpPort);
        p.put("spring.rabbitmq.username", DemoServices.AMQP_USER);
        p.put("spring.rabbitmq.password", DemoServices.AMQP_PASSWORD);
        p.put("spring.rabbitmq.virtual-host", "default");
        p.put("tasknode.queue-type", "classic"); // quorum queues are RabbitMQ's
        p.put("tasknode.queue-dead-lettering", "false"); // Qpid refuses x-dead-letter-exchange on a queue
        p.put("tasknode.auth.mutating-users", DemoServices.AMQP_USER);
        p.put("tasknode.admin.dev-users", "true");
        p.put("logging.level.qpid.message", "WARN"); // the embedded broker's per-connection and per-queue lines
        p.put("tasknode.backup.dir", s.home.resolve("backups").toString());
        p.putAll(backupTools(pgDump()));
        try {
            Files.createDirectories(s.home.resolve("backups"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        env.getPropertySources().addFirst(new MapPropertySource(SOURCE, p));
    }

    /** The client tools' settings: the ones beside the machine's pg_dump, or names that refuse with advice. */
    static Map<String, Object> backupTools(Optional<Path> dump) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (String tool : new String[] {"pg_dump", "pg_restore", "psql"}) {
            // without pg_dump no such program exists: every backup, restore and verify fails at once, and the
            // node's error ("cannot run <tool> …") names what to install
            p.put("tasknode.backup." + tool.replace("_", "-"),
                    dump.map(d -> d.resolveSibling(tool).toString()).orElse(tool + " " + NO_PG_DUMP));
        }
        return p;
    }

    /**
     * The machine's pg_dump, if any: the embedded server's binaries do not include the client tools. Without one,
     * backups are refused (see NO_PG_DUMP), and DemoContext says so at start-up.
     */
    static Optional<Path> pgDump() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, "pg_dump");
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
