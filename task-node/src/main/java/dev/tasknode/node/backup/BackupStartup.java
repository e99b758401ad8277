package dev.tasknode.node.backup;

import dev.tasknode.node.backup.pg.ChildProcesses;
import dev.tasknode.node.backup.restore.RestoreService;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * At start: ends the pg_dump / pg_restore children of killed instances ({@link ChildProcesses}), rolls back
 * restores cut off mid-way (journal), removes temp dirs of backups that were killed, and seeds
 * the last-success gauges from the backups on disk. A restore started before this finishes is safe anyway: it
 * repairs its own schemas first, under their locks.
 */
@Component
public class BackupStartup {
    private static final Logger LOG = LoggerFactory.getLogger(BackupStartup.class);

    private final RestoreService restore;
    private final BackupStore store;
    private final BackupMetrics metrics;
    private final ChildProcesses children;

    public BackupStartup(RestoreService restore, BackupStore store, BackupMetrics metrics, ChildProcesses children) {
        this.restore = restore;
        this.store = store;
        this.metrics = metrics;
        this.children = children;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        run();
    }

    public void run() {
        try {
            // first: a pg_restore left by a killed predecessor would go on writing next to the repair below
            if (children != null) { // null where the backup beans are wired by hand (tests without a node)
                children.endOrphans();
            }
        } catch (RuntimeException e) {
            LOG.error("cannot end the child processes of stopped instances: {}", e.getMessage(), e);
        }
        try {
            List<String> repaired = restore.repairAll();
            if (!repaired.isEmpty()) {
                LOG.warn("put back {} schema(s) whose restore had been cut off: {}", repaired.size(), repaired);
            }
        } catch (Exception e) {
            LOG.error("restore repair failed; it is retried before the next restore of each schema: {}", e.getMessage(), e);
        }
        int cleaned = store.cleanLeftovers();
        if (cleaned > 0) {
            LOG.info("removed {} leftover temp dir(s) of interrupted backups", cleaned);
        }
        store.problem().ifPresentOrElse(p -> LOG.warn("backups: {}", p), () -> {
            try {
                for (Manifest m : store.list()) {
                    if (Manifest.COMPLETE.equals(m.status()) && m.finishedAt() != null) {
                        metrics.success(BackupMetrics.tag(m.scope()), Instant.parse(m.finishedAt()));
                    }
                }
            } catch (Exception e) {
                LOG.warn("cannot read backups for the metrics: {}", e.getMessage());
            }
        });
    }
}
