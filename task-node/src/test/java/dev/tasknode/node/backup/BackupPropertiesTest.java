package dev.tasknode.node.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tasknode.node.backup.pg.PgTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The keys bind as documented (Path, Duration, nested schedule and retention); the JDBC URL becomes tool options. */
class BackupPropertiesTest {
    @Test
    void bindsTheDocumentedKeys() {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "tasknode.backup.dir", "/srv/backups",
                "tasknode.backup.workers", "2",
                "tasknode.backup.lock-wait-timeout", "5s",
                "tasknode.backup.subprocess-timeout", "2h",
                "tasknode.backup.schedule.backup", "0 0 2 * * *",
                "tasknode.backup.retention.keep-days", "30")));
        BackupProperties p = binder.bind("tasknode.backup", BackupProperties.class).get();
        assertEquals(Path.of("/srv/backups"), p.getDir());
        assertEquals(2, p.getWorkers());
        assertEquals(Duration.ofSeconds(5), p.getLockWaitTimeout());
        assertEquals(Duration.ofHours(2), p.getSubprocessTimeout());
        assertEquals("0 0 2 * * *", p.getSchedule().getBackup());
        assertEquals(30, p.getRetention().getKeepDays());
        assertEquals(14, p.getRetention().getKeepLast());
    }

    @Test
    void jdbcUrlBecomesToolOptions() {
        PgTools.Target t = PgTools.Target.fromJdbc("jdbc:postgresql://db.internal:5433/platform?sslmode=require", "app", "s3cret");
        assertEquals("db.internal", t.host());
        assertEquals(5433, t.port());
        assertEquals("platform", t.database());
        assertEquals("require", t.env().get("PGSSLMODE"));
        PgTools tools = new PgTools(new BackupProperties(), t);
        // the password is never an argument
        assertEquals(false, tools.command("pg_dump", "platform", java.util.List.of()).stream().anyMatch(a -> a.contains("s3cret")));
    }
}
