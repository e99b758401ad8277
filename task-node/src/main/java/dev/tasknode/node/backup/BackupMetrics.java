package dev.tasknode.node.backup;

import dev.tasknode.node.backup.store.Manifest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Prometheus meters of backups. The {@code scope} tag is bounded: all | shared | project | schemas (safety and
 * pre-migration backups of a list of schemas) — never a project or task id, which would grow without end.
 * <ul>
 * <li>{@code tasknode_backup_last_success_timestamp_seconds{scope}}: epoch seconds of the last complete backup</li>
 * <li>{@code tasknode_backup_size_bytes{scope}}: size of the last complete backup (a gauge: a summary's max would
 * fall back to 0 between nightly backups)</li>
 * <li>{@code tasknode_backup_duration_seconds{scope,status}}: timer</li>
 * </ul>
 */
@Component
public class BackupMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSize = new ConcurrentHashMap<>();

    public BackupMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    static String tag(String scope) {
        if (scope == null || scope.startsWith("[")) {
            return "schemas";
        }
        return switch (scope) {
            case "all", "shared" -> scope;
            default -> "project";
        };
    }

    public void record(Manifest m, Duration took) {
        String scope = tag(m.scope());
        Timer.builder("tasknode.backup.duration").description("how long backup_database took")
                .tag("scope", scope).tag("status", m.status()).register(registry).record(took);
        if (Manifest.COMPLETE.equals(m.status())) {
            gauge(lastSize, "tasknode.backup.size", "bytes", "bytes of the last complete backup", scope).set(m.size());
            success(scope, m.finishedAt() == null ? Instant.now() : Instant.parse(m.finishedAt()));
        }
    }

    /** Also called at start-up from the existing backups, so the gauge survives a restart. */
    public void success(String scope, Instant at) {
        gauge(lastSuccess, "tasknode.backup.last.success.timestamp", "seconds",
                "epoch seconds of the last complete backup", scope).accumulateAndGet(at.getEpochSecond(), Math::max);
    }

    private AtomicLong gauge(Map<String, AtomicLong> values, String name, String unit, String description, String scope) {
        return values.computeIfAbsent(scope, s -> {
            AtomicLong a = new AtomicLong();
            Gauge.builder(name, a, AtomicLong::get).baseUnit(unit).description(description).tag("scope", s).register(registry);
            return a;
        });
    }

    /** What the last backup said about the server's lock table limiting it (null: it did not); for health. */
    private volatile String lockTableLimit;

    public void lockTableLimit(String message) {
        lockTableLimit = message;
    }

    public java.util.Optional<String> lockTableLimit() {
        return java.util.Optional.ofNullable(lockTableLimit);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
