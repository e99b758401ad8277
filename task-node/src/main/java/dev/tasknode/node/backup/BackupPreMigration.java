package dev.tasknode.node.backup;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.node.backup.dump.BackupService;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.db.PreMigrationBackup;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskFailedException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * apply_migrations' backup of the schemas it is about to change. apply calls it before it takes the schemas'
 * advisory locks, so the backup takes them like any backup (a restore running on one of them makes that schema
 * fail after the lock wait). Only a complete backup lets the migration go on.
 */
@Component
public class BackupPreMigration implements PreMigrationBackup {
    private final BackupService service;

    /** {@code ds}: the home cluster's pool, the one {@code service} backs up by default (kept for hand wiring). */
    public BackupPreMigration(BackupService service, DataSource ds) {
        this.service = service;
    }

    @Override
    public String backupBeforeMigration(TaskContext ctx, Collection<String> schemas) throws Exception {
        return backupBeforeMigration(ctx, service.clusters().home(), schemas);
    }

    /** The schemas of one cluster, backed up on that cluster (apply calls it once per cluster it changes). */
    @Override
    public String backupBeforeMigration(TaskContext ctx, String cluster, Collection<String> schemas) throws Exception {
        return backupBeforeMigration(ctx, service.clusters().site(cluster), schemas);
    }

    private String backupBeforeMigration(TaskContext ctx, BackupClusters.Site site, Collection<String> schemas) throws Exception {
        List<String> existing;
        try (Connection c = site.ds().getConnection()) {
            existing = new ArrayList<>(SchemaCatalog.existing(c, schemas));
        }
        if (existing.isEmpty()) {
            ctx.log().info("pre-migration backup: none of the %d schema(s) exists yet, nothing to back up", schemas.size());
            return null;
        }
        Manifest m = service.backupSchemas(ctx, site, existing, existing.size() == 1 ? existing.get(0) : "[" + existing.size()
                + " schemas]", "pre_migration", true);
        if (!Manifest.COMPLETE.equals(m.status())) {
            throw new TaskFailedException(ErrorCode.TASK_FAILED, "pre-migration backup " + m.id()
                    + (site.home() ? "" : " of cluster " + site.name()) + " is " + m.status()
                    + "; not migrating (run with backup=false to skip it)");
        }
        return m.id();
    }
}
