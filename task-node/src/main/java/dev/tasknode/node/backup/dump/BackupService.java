package dev.tasknode.node.backup.dump;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.backup.BackupClusters;
import dev.tasknode.node.backup.BackupClusters.Site;
import dev.tasknode.node.backup.BackupMetrics;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.cluster.ClusterRegistry;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.SchemaFingerprints;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskFailedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * Takes backups. On each cluster of the fleet (see {@link BackupClusters}) one connection holds a REPEATABLE READ
 * transaction open for that cluster's part and exports its snapshot; every pg_dump of the cluster runs with
 * {@code --snapshot}, so its schemas reflect one instant. Schemas are batched into pg_dump runs under a lock budget
 * (one pg_dump per schema re-reads the catalog each time; one pg_dump over everything overflows the lock table) and
 * the batches run in parallel workers. A batch that fails is retried schema by schema, so one locked or broken schema
 * fails alone, and honestly: the backup is then partial. Several clusters are backed up side by side into one backup
 * (one id, one manifest naming each schema's cluster); a cluster that is down or fails has its schemas failed with
 * the reason while the others go on.
 */
@Service
public class BackupService {
    private final BackupClusters clusters;
    private final BackupStore store;
    private final ObjectProvider<SchemaFingerprints> fingerprints;
    private final BackupMetrics metrics;
    private final RowCounts rowCounts;
    private final ClusterDump dumper;

    /** One cluster, wired by hand (tests, tools). */
    public BackupService(DataSource ds, Fleet fleet, BackupStore store, PgTools pg,
                         ObjectProvider<SchemaFingerprints> fingerprints, BackupMetrics metrics) {
        this(BackupClusters.single(ds, fleet, pg), store, fingerprints, metrics);
    }

    @Autowired
    public BackupService(BackupClusters clusters, BackupStore store, ObjectProvider<SchemaFingerprints> fingerprints,
                         BackupMetrics metrics) {
        this.clusters = clusters;
        this.store = store;
        this.fingerprints = fingerprints;
        this.metrics = metrics;
        this.rowCounts = new RowCounts(clusters.home().ds(), clusters.home().pg());
        this.dumper = new ClusterDump(store, fingerprints, metrics, rowCounts);
    }

    RowCounts rowCounts() {
        return rowCounts;
    }

    public BackupClusters clusters() {
        return clusters;
    }

    /** backup_database: everything, shared, or one project (which must exist), on every cluster the scope reaches. */
    public Manifest backup(TaskContext ctx, Scope scope, String reason) throws Exception {
        store.requireUsable();
        BackupClusters.Reach reach = clusters.reach(scope);
        reach.missing().forEach((site, list) -> list.forEach(s -> ctx.log().warn("schema %s does not exist (yet)%s: nothing"
                + " to back up for it", s, site.home() ? "" : " on cluster " + site.name())));
        reach.down().forEach((site, d) -> ctx.log().error("%s; its %d schema(s) fail, the other clusters go on", d.error(),
                d.schemas().size()));
        return run(ctx, reach.run(), reach.down(), scope.toString(), reason, true);
    }

    /**
     * Backs up the given existing schemas of the home cluster. {@code takeLocks} false when the caller already holds
     * their advisory locks (restore's safety backup): session locks are per connection, so taking them again from here
     * would wait for ourselves.
     */
    public Manifest backupSchemas(TaskContext ctx, List<String> schemas, String scope, String reason, boolean takeLocks)
            throws Exception {
        return backupSchemas(ctx, clusters.home(), schemas, scope, reason, takeLocks);
    }

    /** {@link #backupSchemas(TaskContext, List, String, String, boolean)} on one cluster. */
    public Manifest backupSchemas(TaskContext ctx, Site site, List<String> schemas, String scope, String reason,
                                  boolean takeLocks) throws Exception {
        Map<Site, List<String>> one = new LinkedHashMap<>();
        one.put(site, schemas);
        return run(ctx, one, Map.of(), scope, reason, takeLocks);
    }

    /** One backup over several clusters: each cluster's part on a thread of its own, one manifest. */
    private Manifest run(TaskContext ctx, Map<Site, List<String>> work, Map<Site, BackupClusters.Down> down, String scope,
                         String reason, boolean takeLocks) throws Exception {
        store.requireUsable();
        work.values().removeIf(List::isEmpty);
        if (work.isEmpty() && down.isEmpty()) {
            throw new TaskFailedException(ErrorCode.TASK_FAILED, "no schema to back up");
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<Manifest.FileEntry> files = Collections.synchronizedList(new ArrayList<>());
        try (BackupStore.Pending out = store.reserve()) {
            Map<String, ClusterDump.Part> parts = new LinkedHashMap<>();
            if (work.size() == 1 && down.isEmpty()) {
                // one cluster: on this thread, and its failure is the task's (as before clusters existed)
                var e = work.entrySet().iterator().next();
                parts.put(e.getKey().name(), dumper.dump(ctx, e.getKey(), out, e.getValue(), takeLocks, files));
            } else {
                parts.putAll(parallel(ctx, work, out, takeLocks, files));
            }
            List<Manifest.SchemaEntry> list = new ArrayList<>();
            List<Manifest.ClusterEntry> infos = new ArrayList<>();
            for (Site site : clusters.all()) {
                ClusterDump.Part p = parts.get(site.name());
                if (p != null) {
                    infos.add(p.cluster());
                    work.get(site).forEach(s -> list.add(p.entries().get(s).on(site.name())));
                }
                BackupClusters.Down d = down.get(site);
                if (d != null) {
                    infos.add(new Manifest.ClusterEntry(site.name(), null, null, null, d.error()));
                    d.schemas().forEach(s -> list.add(new Manifest.SchemaEntry(s, "failed", null, null, null, d.error(), site.name())));
                }
            }
            Manifest m = manifest(ctx, out.id(), scope, reason, started, infos, list, files);
            out.commit(m);
            metrics.record(m, Duration.ofNanos(System.nanoTime() - t0));
            ctx.log().info("backup %s %s: %d of %d schema(s), %d bytes%s", m.id(), m.status(), m.okSchemas().size(),
                    list.size(), m.size(), infos.size() > 1 ? " over " + infos.size() + " clusters" : "");
            return m;
        }
    }

    /** Each cluster's part side by side; a cluster that fails has all its schemas failed with the reason. */
    private Map<String, ClusterDump.Part> parallel(TaskContext ctx, Map<Site, List<String>> work, BackupStore.Pending out,
                                       boolean takeLocks, List<Manifest.FileEntry> files) throws Exception {
        Map<String, ClusterDump.Part> parts = new LinkedHashMap<>();
        if (work.isEmpty()) {
            return parts;
        }
        ExecutorService pool = Executors.newFixedThreadPool(work.size(), Thread.ofPlatform().daemon().name("backup-cluster-", 0).factory());
        try {
            Map<Site, Future<ClusterDump.Part>> running = new LinkedHashMap<>();
            work.forEach((site, schemas) -> running.put(site, pool.submit(() -> dumper.dump(ctx, site, out, schemas, takeLocks, files))));
            for (var e : running.entrySet()) {
                Site site = e.getKey();
                try {
                    parts.put(site.name(), e.getValue().get());
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof CancellationException c) {
                        throw c;
                    }
                    String why = "cluster " + site.name() + " failed: " + ClusterRegistry.describe(ex.getCause());
                    ctx.log().error("%s; its %d schema(s) fail, the other clusters go on", why, work.get(site).size());
                    Map<String, Manifest.SchemaEntry> failed = new LinkedHashMap<>();
                    work.get(site).forEach(s -> failed.put(s, new Manifest.SchemaEntry(s, "failed", null, null, null, why)));
                    parts.put(site.name(), new ClusterDump.Part(new Manifest.ClusterEntry(site.name(), null, null, null, why), failed));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return parts;
    }

    private Manifest manifest(TaskContext ctx, String id, String scope, String reason, Instant started,
                              List<Manifest.ClusterEntry> infos, List<Manifest.SchemaEntry> list,
                              List<Manifest.FileEntry> files) {
        long ok = list.stream().filter(Manifest.SchemaEntry::ok).count();
        String status = ok == list.size() ? Manifest.COMPLETE : ok == 0 ? Manifest.FAILED : Manifest.PARTIAL;
        List<Manifest.FileEntry> sorted = new ArrayList<>(files);
        sorted.sort((a, b) -> a.name().compareTo(b.name()));
        // the top-level server fields: the home cluster's part, else the first cluster that answered
        Manifest.ClusterEntry first = infos.stream().filter(c -> c.error() == null).findFirst().orElse(infos.getFirst());
        return new Manifest(Manifest.FORMAT_VERSION, id, Manifest.TASKNODE, status, scope, reason, ctx.taskId(),
                started.toString(), Instant.now().toString(), first.database(), first.serverVersion(),
                clusters.home().pg().version(clusters.home().pg().props().getPgDump()), first.snapshot(), sorted, list, infos);
    }

}
