package dev.tasknode.node.backup;

import io.micrometer.core.instrument.DistributionSummary;
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
 * <li>{@code tasknode_backup_size_bytes{scope}}: summary of backup sizes</li>
 * <li>{@code tasknode_backup_duration_seconds{scope,status}}: timer</li>
 * </ul>
 */
@Component
public class BackupMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

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
            DistributionSummary.builder("tasknode.backup.size").baseUnit("bytes").description("bytes of a complete backup")
                    .tag("scope", scope).register(registry).record(m.size());
            success(scope, m.finishedAt() == null ? Instant.now() : Instant.parse(m.finishedAt()));
        }
    }

    /** Also called at start-up from the existing backups, so the gauge survives a restart. */
    public void success(String scope, Instant at) {
        AtomicLong v = lastSuccess.computeIfAbsent(scope, s -> {
            AtomicLong a = new AtomicLong();
            Gauge.builder("tasknode.backup.last.success.timestamp", a, AtomicLong::get).baseUnit("seconds")
                    .description("epoch seconds of the last complete backup").tag("scope", s).register(registry);
            return a;
        });
        v.accumulateAndGet(at.getEpochSecond(), Math::max);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
