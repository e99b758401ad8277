package dev.tasknode.node.backup;

import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.backup.tasks.BackupDatabaseTask;
import dev.tasknode.node.task.TaskLauncher;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Scheduled backup_database / verify_backup / prune_backups, from cron expressions (UTC). Each slot is launched
 * through {@link TaskLauncher} as an ordinary recorded run with a task id derived from the slot
 * ({@code scheduled-backup_database-20261124T020000Z}); the launcher runs a known id only once, so with several
 * replicas exactly one of them runs each slot.
 */
@Component
public class BackupScheduler implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);
    private static final DateTimeFormatter SLOT = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'");

    private final BackupProperties props;
    private final ObjectProvider<TaskLauncher> launcher;
    private final BackupStore store;
    private ScheduledExecutorService timer;

    public BackupScheduler(BackupProperties props, ObjectProvider<TaskLauncher> launcher, BackupStore store) {
        this.props = props;
        this.launcher = launcher;
        this.store = store;
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("backup-scheduler").factory());
        BackupProperties.Schedule s = props.getSchedule();
        for (var e : Map.of(TaskNames.BACKUP_DATABASE, s.getBackup(), TaskNames.VERIFY_BACKUP, s.getVerify(),
                TaskNames.PRUNE_BACKUPS, s.getPrune()).entrySet()) {
            if (e.getValue() != null && !e.getValue().isBlank()) {
                CronExpression cron = CronExpression.parse(e.getValue().strip());
                LOG.info("scheduled {}: '{}' (UTC)", e.getKey(), e.getValue());
                next(e.getKey(), cron);
            }
        }
    }

    private void next(String task, CronExpression cron) {
        ZonedDateTime at = cron.next(ZonedDateTime.now(ZoneOffset.UTC));
        if (at == null || timer == null || timer.isShutdown()) {
            return;
        }
        long delay = Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
        timer.schedule(() -> {
            try {
                fire(task, at.toInstant());
            } catch (RuntimeException ex) {
                LOG.error("scheduled {} at {} could not be started: {}", task, at, ex.getMessage(), ex);
            }
            next(task, cron);
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Launches one slot; the deterministic id makes a second replica's launch of the same slot a no-op. */
    boolean fire(String task, Instant slot) {
        TaskLauncher l = launcher.getIfAvailable();
        if (l == null) {
            LOG.warn("no TaskLauncher in this node: scheduled {} skipped", task);
            return false;
        }
        Map<String, Object> params = Map.of();
        if (task.equals(TaskNames.VERIFY_BACKUP)) {
            try {
                List<Manifest> complete = store.list().stream()
                        .filter(m -> Manifest.TASKNODE.equals(m.format()) && Manifest.COMPLETE.equals(m.status())).toList();
                if (complete.isEmpty()) {
                    LOG.info("scheduled verify_backup: no complete backup yet");
                    return false;
                }
                params = Map.of("backup_id", complete.get(0).id());
            } catch (Exception e) {
                LOG.warn("scheduled verify_backup: cannot list backups: {}", e.getMessage());
                return false;
            }
        }
        String id = taskId(task, slot);
        boolean started = l.launch(id, task, params, BackupDatabaseTask.SCHEDULER);
        LOG.info("scheduled {} slot {}: {}", task, slot, started ? "started as " + id : "already run by another replica");
        return started;
    }

    static String taskId(String task, Instant slot) {
        return "scheduled-" + task + "-" + SLOT.format(slot.atOffset(ZoneOffset.UTC));
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
