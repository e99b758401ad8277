package dev.tasknode.node.backup.dump;

import dev.tasknode.contracts.Text;
import dev.tasknode.node.backup.BackupClusters.Site;
import dev.tasknode.node.backup.BackupMetrics;
import dev.tasknode.node.backup.pg.CatalogStatistics;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.db.SchemaFingerprints;
import dev.tasknode.node.task.TaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.ObjectProvider;

/**
 * One cluster's part of a backup: one connection holds a REPEATABLE READ transaction open for the whole part and
 * exports its snapshot; every pg_dump runs with {@code --snapshot}, so the cluster's schemas reflect one instant.
 * Schemas are batched into pg_dump runs under a lock budget (one pg_dump per schema re-reads the catalog each time;
 * one pg_dump over everything overflows the lock table) and the batches run in parallel workers. A batch that fails
 * is retried schema by schema, so one locked or broken schema fails alone. {@link BackupService} runs one per cluster.
 */
final class ClusterDump {
    /** What the workers of one cluster's part share: where to write, the snapshot, and what they found. */
    private record Job(TaskContext ctx, Site site, BackupStore.Pending out, String snapshot, String database,
                       Map<String, List<String>> tables, Map<String, Manifest.SchemaEntry> entries,
                       List<Manifest.FileEntry> files, Map<String, Map<String, Long>> counts) {}

    /** One cluster's part of a backup: its manifest entry and its schemas' entries (by schema name). */
    record Part(Manifest.ClusterEntry cluster, Map<String, Manifest.SchemaEntry> entries) {}

    private final BackupStore store;
    private final ObjectProvider<SchemaFingerprints> fingerprints;
    private final BackupMetrics metrics;
    /** The home cluster's (the benchmark tunes it); a further cluster's part gets its own. */
    private final RowCounts rowCounts;

    ClusterDump(BackupStore store, ObjectProvider<SchemaFingerprints> fingerprints, BackupMetrics metrics, RowCounts rowCounts) {
        this.store = store;
        this.fingerprints = fingerprints;
        this.metrics = metrics;
        this.rowCounts = rowCounts;
    }

    /** One cluster's part: its own snapshot, locks, batches and workers. Files of further clusters carry its name. */
    Part dump(TaskContext ctx, Site site, BackupStore.Pending out, List<String> schemas, boolean takeLocks,
                             List<Manifest.FileEntry> files) throws Exception {
        long t0 = System.nanoTime();
        PgTools pg = site.pg();
        String on = site.home() ? "" : "cluster " + site.name() + ": ";
        Map<String, Manifest.SchemaEntry> entries = new ConcurrentHashMap<>();
        try (Connection c = site.ds().getConnection()) {
            ctx.log().info("%sbackup %s: %d schema(s) into %s", on, out.id(), schemas.size(), store.dir());
            List<String> todo = new ArrayList<>(schemas);
            try {
                if (takeLocks) {
                    SchemaCatalog.Busy busy = SchemaCatalog.lockAll(c, schemas, pg.props().getSchemaLockWait(),
                            pg.props().getFleetLockAbove());
                    if (!busy.none()) {
                        ctx.log().error("%s%d schema(s) busy, not backed up (%s): %s", on, busy.schemas().size(), busy.why(),
                                Text.clip(String.join(", ", busy.schemas())));
                    }
                    for (String s : busy.schemas()) {
                        entries.put(s, new Manifest.SchemaEntry(s, "failed", null, null, null, "busy: " + busy.why()));
                        todo.remove(s);
                    }
                }
                if (pg.props().isAnalyzeCatalogs()) {
                    CatalogStatistics.refresh(ctx, c);
                }
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
                String snapshot = SchemaCatalog.one(c, "SELECT pg_export_snapshot()");
                String server = SchemaCatalog.one(c, "SHOW server_version");
                String database = SchemaCatalog.one(c, "SELECT current_database()");
                Map<String, Integer> rels = SchemaCatalog.lockableRelations(c, todo);
                // no batch above the lock budget, and enough batches to keep every worker busy; a further cluster's
                // workers are bounded by its max-parallel, as the schema tasks are there
                int workers = site.workers();
                java.util.IntSummaryStatistics sizes = todo.stream().mapToInt(x -> Math.max(1, rels.getOrDefault(x, 1)))
                        .summaryStatistics();
                int total = (int) sizes.getSum();
                LockTable locks = LockTable.read(c, workers);
                int budget = pg.props().getLockBudget() > 0 ? pg.props().getLockBudget() : locks.perRun();
                int archive = pg.props().getMaxTablesPerArchive() > 0 ? pg.props().getMaxTablesPerArchive() : Integer.MAX_VALUE;
                int perBatch = perRun(total, Math.max(1, Math.min(budget, archive)), workers, Math.max(1, sizes.getMax()));
                List<List<String>> batches = plan(todo, rels, perBatch);
                ctx.log().info("%ssnapshot %s; %d pg_dump run(s) of up to %d table(s) (lock budget %d of a lock table of %d"
                        + " slots, %d in use), %d worker(s)", on, snapshot, batches.size(), perBatch, budget, locks.slots(),
                        locks.inUse(), workers);
                String limit = pg.props().getLockBudget() > 0 ? null : locks.limits(total, workers, batches.size(), archive);
                if (limit != null) {
                    ctx.log().warn(on + limit);
                }
                if (site.home() || limit != null) {
                    metrics.lockTableLimit(limit == null ? null : on + limit);
                }
                AtomicInteger done = new AtomicInteger();
                Job job = new Job(ctx, site, out, snapshot, database, SchemaCatalog.tables(c, todo), entries, files, new ConcurrentHashMap<>());
                RowCounts counter = site.home() ? rowCounts : new RowCounts(site.ds(), pg);
                ExecutorService pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().daemon().factory());
                try {
                    List<Future<?>> running = new ArrayList<>();
                    String prefix = site.home() ? "" : site.name() + ".";
                    for (int i = 0; i < batches.size(); i++) {
                        List<String> batch = batches.get(i);
                        String name = prefix + (batch.size() == 1 ? batch.get(0) + ".dump" : String.format("batch-%04d.dump", i + 1));
                        running.add(pool.submit(() -> {
                            dumpBatch(job, counter, name, batch);
                            ctx.progress(done.addAndGet(batch.size()), todo.size(), on + "dumped " + done.get() + " of " + todo.size());
                            return null;
                        }));
                    }
                    // the model fingerprints (on the snapshot connection) overlap the dumps
                    long p0 = System.nanoTime();
                    Map<String, String> prints = fingerprints(c, todo, ctx);
                    long p1 = System.nanoTime();
                    for (Future<?> f : running) {
                        waitFor(f);
                    }
                    long p2 = System.nanoTime();
                    Map<String, String> countErrors = new LinkedHashMap<>();
                    List<String> uncounted = todo.stream().filter(x -> entries.get(x).ok() && !job.counts().containsKey(x)).toList();
                    if (!uncounted.isEmpty()) {
                        job.counts().putAll(counter.atSnapshot(ctx, snapshot, uncounted, countErrors));
                    }
                    ctx.log().info("%sdumps done after %.1f s (fingerprints %.1f s beside them); %d schema(s) counted on the"
                            + " server in %.1f s", on, (p2 - t0) / 1e9, (p1 - p0) / 1e9, uncounted.size(), (System.nanoTime() - p2) / 1e9);
                    entries.replaceAll((s, e) -> !e.ok() ? e : countErrors.containsKey(s)
                            ? new Manifest.SchemaEntry(s, "failed", null, null, null, countErrors.get(s))
                            : new Manifest.SchemaEntry(s, "ok", e.file(), job.counts().get(s), prints.get(s), null));
                } finally {
                    pool.shutdownNow();
                }
                return new Part(new Manifest.ClusterEntry(site.name(), database, server, snapshot, null), entries);
            } finally {
                try {
                    c.rollback();
                    c.setReadOnly(false);
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a broken connection: closing it ends the snapshot and the session locks anyway
                }
                if (takeLocks) {
                    SchemaCatalog.unlockAll(c);
                }
            }
        }
    }

    /** Runs one batch; on failure retries each schema alone, so only the schemas that really fail are lost. */
    private void dumpBatch(Job job, RowCounts counter, String name, List<String> batch) throws IOException {
        String error = dump(job, counter, name, batch);
        if (error == null) {
            batch.forEach(s -> job.entries().put(s, new Manifest.SchemaEntry(s, "ok", name, null, null, null)));
            return;
        }
        if (batch.size() == 1) {
            job.ctx().log().error("schema %s failed: %s", batch.get(0), error);
            job.entries().put(batch.get(0), new Manifest.SchemaEntry(batch.get(0), "failed", null, null, null, error));
            return;
        }
        job.ctx().log().warn("%s (%d schemas) failed, dumping them one by one: %s", name, batch.size(), error);
        for (String s : batch) {
            dumpBatch(job, counter, (job.site().home() ? "" : job.site().name() + ".") + s + ".dump", List.of(s));
        }
    }

    /** One pg_dump run; null on success (file hashed and recorded, rows counted from it when small), else the error. */
    private String dump(Job job, RowCounts counter, String name, List<String> schemas) throws IOException {
        TaskContext ctx = job.ctx();
        PgTools pg = job.site().pg();
        ctx.checkCancelled();
        Path file = job.out().newFile(name);
        // --no-sync: the store fsyncs every file (and the directory) before the backup is renamed into place
        List<String> args = new ArrayList<>(List.of("--format=custom", "--no-sync", "--snapshot=" + job.snapshot(),
                "--lock-wait-timeout=" + pg.props().getLockWaitTimeout().toMillis(), "--file=" + file));
        for (String s : schemas) {
            // double quotes make the pattern literal: no wildcard, no case folding
            args.add("--schema=\"" + s.replace("\"", "\"\"") + "\"");
        }
        PgTools.Result r = pg.run(ctx, pg.command(pg.props().getPgDump(), job.database(), args), "tasknode-backup", null, null);
        if (!r.ok()) {
            Files.deleteIfExists(file);
            return "pg_dump exited with " + r.exit() + ": " + r.tail();
        }
        job.files().add(new Manifest.FileEntry(name, Files.size(file), store.sha256(file), List.copyOf(schemas), job.site().name()));
        Map<String, List<String>> tables = new LinkedHashMap<>();
        schemas.forEach(s -> tables.put(s, job.tables().getOrDefault(s, List.of())));
        Map<String, Map<String, Long>> counted = counter.fromArchive(ctx, file, tables);
        if (counted != null) {
            job.counts().putAll(counted);
        }
        return null;
    }

    /**
     * Tables per run: as many runs as the cap needs, rounded up to a multiple of the workers (every round of runs
     * keeps every worker busy; each run pays the whole catalog read, whatever it dumps, so a last run of one schema
     * cost as much as a full one: 10,000 projects split 4,999 + 5,000 + 1), and the tables spread evenly over them.
     * Filling runs up to the even share plus the largest schema less one gives each full run at least the share, so
     * no run is left over; never above {@code cap}.
     */
    static int perRun(int total, int cap, int workers, int largest) {
        int runs = runs(total, cap, workers);
        int share = (total + runs - 1) / runs;
        return (int) Math.max(1, Math.min(cap, (long) share + largest - 1));
    }

    /** Runs for {@code total} tables under {@code cap} per run: a multiple of the workers (see {@link #perRun}). */
    static int runs(int total, int cap, int workers) {
        int runs = (int) ((total + (long) cap - 1) / cap);
        return Math.max(1, (runs + workers - 1) / workers * workers);
    }

    /** Greedy batches in order (shared first): add schemas while their relations fit in the budget. */
    static List<List<String>> plan(List<String> schemas, Map<String, Integer> rels, int budget) {
        List<List<String>> out = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        int used = 0;
        for (String s : schemas) {
            int n = Math.max(1, rels.getOrDefault(s, 1));
            if (!cur.isEmpty() && used + n > budget) {
                out.add(cur);
                cur = new ArrayList<>();
                used = 0;
            }
            cur.add(s);
            used += n;
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    private Map<String, String> fingerprints(Connection c, List<String> schemas, TaskContext ctx) {
        SchemaFingerprints f = fingerprints.getIfAvailable();
        if (f == null || schemas.isEmpty()) {
            return Map.of();
        }
        try {
            // a savepoint: a failing fingerprint query must not abort the transaction that holds the snapshot
            java.sql.Savepoint sp = c.setSavepoint();
            try {
                return f.fingerprints(c, schemas);
            } catch (SQLException | RuntimeException e) {
                c.rollback(sp);
                ctx.log().warn("model fingerprints unavailable: %s", e.getMessage());
                return Map.of();
            }
        } catch (SQLException e) {
            ctx.log().warn("model fingerprints unavailable: %s", e.getMessage());
            return Map.of();
        }
    }

    private static void waitFor(Future<?> f) throws Exception {
        try {
            f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }
}
