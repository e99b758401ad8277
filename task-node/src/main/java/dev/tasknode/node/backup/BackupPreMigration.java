package dev.tasknode.node.backup;

import dev.tasknode.contracts.ErrorCode;
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
 * apply_migrations' backup of the schemas it is about to change. It does not take the schemas' advisory locks:
 * apply holds (or is about to take) them itself, and a session lock taken from another connection would wait
 * for apply forever. Only a complete backup lets the migration go on.
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
                + " schemas]", "pre_migration", false);
        if (!Manifest.COMPLETE.equals(m.status())) {
            throw new TaskFailedException(ErrorCode.TASK_FAILED, "pre-migration backup " + m.id() + " is " + m.status()
                    + "; not migrating (run with backup=false to skip it)");
        }
        return m.id();
    }
}
