package dev.tasknode.node.backup.restore;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.node.backup.BackupClusters;
import dev.tasknode.node.backup.BackupClusters.Site;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.cluster.Placement;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskFailedException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A restore with several clusters: where each project lives now (the placement), so a restore never makes a second
 * copy of a project on another cluster, and the end of a move ({@code target_cluster}): once the project is restored
 * on its new cluster, its old copy is kept aside there as the way back ({@code _replaced_*}, never dropped here) and
 * the user is told what the placement must say — the placement queries, not tasknode, decide where a project lives.
 */
final class TenantMove {
    private final BackupClusters clusters;
    private final SchemaSwap swap;

    TenantMove(BackupClusters clusters, SchemaSwap swap) {
        this.clusters = clusters;
        this.swap = swap;
    }

    /**
     * With several clusters, where each project lives now: a restore must not create a second copy of a project on
     * another cluster. Returns the cluster the moved project lives on now (null: on none, or single cluster).
     */
    Site source(Manifest m, List<Manifest.SchemaEntry> entries, Site to) {
        if (clusters.single()) {
            return null;
        }
        Placement p = clusters.registry().placement();
        Site from = null;
        for (Manifest.SchemaEntry e : entries) {
            Optional<String> id = clusters.home().fleet().projectId(e.schema());
            if (id.isEmpty()) {
                continue;
            }
            Optional<String> now;
            try {
                now = p.clusterOf(id.get());
            } catch (IllegalStateException x) {
                throw new TaskFailedException(ErrorCode.CONFLICT, x.getMessage() + "; nothing was touched");
            }
            String dest = to != null ? to.name() : e.clusterName();
            if (to != null) {
                if (now.isEmpty() && !p.down().isEmpty()) {
                    throw new TaskFailedException(ErrorCode.TASK_FAILED, "project " + id.get() + " is on none of the reachable "
                            + "clusters and " + String.join(", ", p.down().keySet()) + " is down: it may live there, and a move"
                            + " would leave two copies; try again when it is back. Nothing was touched");
                }
                from = now.map(clusters::site).orElse(null);
            } else if (now.isPresent() && !now.get().equals(dest)) {
                throw new TaskFailedException(ErrorCode.CONFLICT, "project " + id.get() + " lives on cluster " + now.get()
                        + " now; backup " + m.id() + " has it from cluster " + dest + ". Restoring it there would make a"
                        + " second copy: restore it with target_cluster=" + now.get() + " (or move it back with target_cluster="
                        + dest + " alone). Nothing was touched");
            }
        }
        return from;
    }

    /**
     * The move is done on the target cluster: the source copy is kept as the way back (never dropped here), and the
     * user is told what the placement must say now.
     */
    RestoreService.Moved finish(TaskContext ctx, Manifest m, RestoreService.Moved move, Site from, Connection sourceLock) {
        String id = clusters.home().fleet().projectId(move.schema()).orElse(move.schema());
        String placement = "the placement decides where project " + id + " lives: make cluster " + move.to()
                + "'s project-ids-query name it" + (from == null ? "" : " and cluster " + from.name() + "'s no longer")
                + " (while both do, every task on project " + id + " is refused as being on two clusters)";
        if (from == null) {
            ctx.log().warn("project %s restored onto cluster %s from %s (it was on no cluster); %s", id, move.to(), m.id(), placement);
            return new RestoreService.Moved(move.schema(), null, move.to(), null, null, placement);
        }
        PgTools pg = from.pg();
        java.time.Duration keepFor = pg.props().getKeepReplaced().isZero() ? java.time.Duration.ofDays(7) : pg.props().getKeepReplaced();
        java.time.Instant until = java.time.Instant.now().plus(keepFor).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        SchemaSwap.Keep keep = new SchemaSwap.Keep(m.id(), ctx.taskId(), until, new ArrayList<>());
        try {
            String kept = swap.keepMovedAway(sourceLock, move.schema(), keep);
            ctx.log().warn("project %s moved from cluster %s to cluster %s (restored from %s); its copy on %s is kept as %s"
                    + " until %s (rows written there after the backup are in it; prune_backups drops it after). Now %s",
                    id, from.name(), move.to(), m.id(), from.name(), kept, until, placement);
            return new RestoreService.Moved(move.schema(), from.name(), move.to(), kept, until.toString(), placement);
        } catch (java.sql.SQLException e) {
            String why = "project " + id + " was restored onto cluster " + move.to() + ", but its copy on cluster " + from.name()
                    + " could not be kept aside (" + e.getMessage() + "): it is still there, so the project is on two clusters;"
                    + " rename or drop " + move.schema() + " on " + from.name() + " yourself, then " + placement;
            ctx.log().error(why);
            return new RestoreService.Moved(move.schema(), from.name(), move.to(), null, null, why);
        }
    }
}
