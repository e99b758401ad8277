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

    /**
     * The schemas of one cluster (see cluster/ClusterRegistry), called once per cluster that has schemas to change.
     * The default handles only the home cluster: a backup feature that knows clusters overrides it.
     */
    default String backupBeforeMigration(TaskContext ctx, String cluster, Collection<String> schemas) throws Exception {
        if (!dev.tasknode.node.cluster.Cluster.DEFAULT.equals(cluster)) {
            throw new UnsupportedOperationException("this node's backup feature cannot back up cluster " + cluster);
        }
        return backupBeforeMigration(ctx, schemas);
    }
}
