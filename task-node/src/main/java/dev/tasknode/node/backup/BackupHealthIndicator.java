package dev.tasknode.node.backup;

import dev.tasknode.node.backup.store.BackupStore;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * "backup" health component: WARNING when the backup directory is missing or unwritable. WARNING is not part of
 * the aggregate order, so it shows in the details without taking the node out of service: the node still runs
 * every other task.
 */
@Component("backup")
public class BackupHealthIndicator implements HealthIndicator {
    static final Status WARNING = new Status("WARNING", "backups cannot be written");

    private final BackupStore store;
    private final BackupMetrics metrics;

    public BackupHealthIndicator(BackupStore store, BackupMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /**
     * A lock table that forced the last backup into more pg_dump runs than workers shows as a detail
     * ({@code lock_table}, with the setting that would help), not as a status: the backups still complete.
     */
    @Override
    public Health health() {
        Optional<String> problem = store.problem();
        Health.Builder b = problem.map(p -> Health.status(WARNING).withDetail("dir", store.dir().toString()).withDetail("problem", p))
                .orElseGet(() -> Health.up().withDetail("dir", store.dir().toString()));
        metrics.lockTableLimit().ifPresent(l -> b.withDetail("lock_table", l));
        return b.build();
    }
}
