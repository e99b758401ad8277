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
    private final DataSource ds;

    public BackupPreMigration(BackupService service, DataSource ds) {
        this.service = service;
        this.ds = ds;
    }

    @Override
    public String backupBeforeMigration(TaskContext ctx, Collection<String> schemas) throws Exception {
        List<String> existing;
        try (Connection c = ds.getConnection()) {
            existing = new ArrayList<>(SchemaCatalog.existing(c, schemas));
        }
        if (existing.isEmpty()) {
            ctx.log().info("pre-migration backup: none of the %d schema(s) exists yet, nothing to back up", schemas.size());
            return null;
        }
        Manifest m = service.backupSchemas(ctx, existing, existing.size() == 1 ? existing.get(0) : "[" + existing.size()
                + " schemas]", "pre_migration", true);
        if (!Manifest.COMPLETE.equals(m.status())) {
            throw new TaskFailedException(ErrorCode.TASK_FAILED, "pre-migration backup " + m.id() + " is " + m.status()
                    + "; not migrating (run with backup=false to skip it)");
        }
        return m.id();
    }
}
