package dev.tasknode.node.db;

import dev.tasknode.node.task.TaskContext;
import java.util.Collection;

/**
 * Seam between the schema engine and backups: apply_migrations calls it (when present and not turned off)
 * to back up the schemas it is about to change. Implemented by the backup feature.
 *
 * @return the backup id
 */
public interface PreMigrationBackup {
    String backupBeforeMigration(TaskContext ctx, Collection<String> schemas) throws Exception;
}
