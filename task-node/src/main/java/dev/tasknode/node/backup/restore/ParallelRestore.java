package dev.tasknode.node.backup.restore;

import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.task.TaskContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Restores a list of schemas: the shared schema first and alone (project foreign keys and views reference it), then
 * the rest by {@code parallel} workers, each on its own connection. Every schema gets an outcome; a failure stays
 * with its schema. The workers are not the task's thread, which the node interrupts on cancel: the swap's SQL
 * (putting an original back) must not be cut by that, and the task's thread waits for every worker to end before
 * it returns and releases the schemas' locks.
 */
final class ParallelRestore {
    record Done(List<RestoreService.SchemaResult> results, List<String> warnings) {}

    private final DataSource ds;
    private final SchemaRestorer restorer;
    private final TaskContext ctx;
    private final Manifest m;
    private final Map<String, RestoreService.SchemaResult> results = new ConcurrentHashMap<>();
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger done = new AtomicInteger();
    private int total;

    /** Null: replaced copies are dropped; else kept as the way back. */
    private final SchemaSwap.Keep keep;

    ParallelRestore(DataSource ds, SchemaRestorer restorer, TaskContext ctx, Manifest m, SchemaSwap.Keep keep) {
        this.keep = keep;
        this.ds = ds;
        this.restorer = restorer;
        this.ctx = ctx;
        this.m = m;
    }

    Done run(List<String> targets, String shared, int parallel) throws Exception {
        total = targets.size();
        List<String> rest = new ArrayList<>(targets);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, targets.size())),
                Thread.ofPlatform().daemon().name("restore-", 0).factory());
        BatchRestore.Phases phases = new BatchRestore.Phases();
        BatchRestore batches = new BatchRestore(restorer, parallel, phases);
        long t0 = System.nanoTime();
        try {
            if (rest.remove(shared)) {
                awaitAll(List.of(pool.submit(() -> work(new ConcurrentLinkedQueue<>(List.of(List.of(shared))), batches))));
            }
            Queue<List<String>> units = new ConcurrentLinkedQueue<>(units(rest));
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < Math.min(parallel, units.size()); i++) {
                running.add(pool.submit(() -> work(units, batches)));
            }
            awaitAll(running);
        } finally {
            pool.shutdown();
        }
        if (phases.any()) {
            ctx.log().info("restore of %d schema(s): %.1f s; batch phases summed over the workers: %s", total,
                    (System.nanoTime() - t0) / 1e9, phases.summary());
        }
        List<RestoreService.SchemaResult> out = targets.stream().map(s -> results.getOrDefault(s,
                new RestoreService.SchemaResult(s, RestoreService.SKIPPED, null, "not attempted: no connection for a restore worker"))).toList();
        return new Done(out, List.copyOf(warnings));
    }

    /**
     * Work units: the schemas of one pg_dump archive restored together (one pg_restore for all of them), or one
     * schema alone (a prototype backup's file, an archive holding one schema of those asked for).
     */
    private List<List<String>> units(List<String> schemas) {
        Map<String, List<String>> byFile = new LinkedHashMap<>();
        for (String s : schemas) {
            Manifest.SchemaEntry e = m.schema(s).orElseThrow();
            boolean alone = !restorer.pg().props().isRestoreBatches() || Manifest.PROTOTYPE.equals(m.format()) || e.file() == null;
            String key = alone ? "\0" + s : e.file();
            byFile.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
        return new ArrayList<>(byFile.values());
    }

    /** One worker: restores units from the queue until it is empty. */
    private Void work(Queue<List<String>> units, BatchRestore batches) throws Exception {
        Connection conn;
        try {
            conn = ds.getConnection();
        } catch (SQLException e) {
            // its units stay in the queue for the other workers, or end up "skipped"
            ctx.log().error("a restore worker got no database connection: %s", e.getMessage());
            return null;
        }
        try (Connection w = conn) {
            List<String> unit;
            while ((unit = units.poll()) != null) {
                if (unit.size() == 1 || ctx.cancelled()) {
                    one(w, new ArrayDeque<>(unit));
                    continue;
                }
                List<Manifest.SchemaEntry> entries = unit.stream().map(s -> m.schema(s).orElseThrow()).toList();
                ctx.progress(done.get(), total, "restoring " + unit.size() + " schema(s) of " + entries.get(0).file());
                BatchRestore.Result r = batches.run(ctx, w, m, entries.get(0).file(), entries, warnings, keep);
                results.putAll(r.results());
                done.addAndGet(r.results().size());
                one(w, new ArrayDeque<>(r.retry().stream().map(Manifest.SchemaEntry::schema).toList()));
            }
        }
        return null;
    }

    /** Restores schemas one at a time on {@code conn} (which stays open). */
    private void one(Connection w, Queue<String> queue) {
        {
            String s;
            while ((s = queue.poll()) != null) {
                if (ctx.cancelled()) {
                    results.put(s, new RestoreService.SchemaResult(s, RestoreService.CANCELLED, null, "cancelled before it started; left as it was"));
                    continue;
                }
                ctx.progress(done.get(), total, "restoring " + s);
                try {
                    Map<String, Long> rows = restorer.restore(ctx, w, m, m.schema(s).orElseThrow(), warnings, keep);
                    results.put(s, new RestoreService.SchemaResult(s, RestoreService.RESTORED, rows, null));
                    ctx.log().info("restored %s (%d table(s), %d row(s))", s, rows.size(),
                            rows.values().stream().mapToLong(Long::longValue).sum());
                } catch (Exception e) {
                    if (ctx.cancelled()) {
                        ctx.log().warn("restore of %s cancelled; original kept", s);
                        results.put(s, new RestoreService.SchemaResult(s, RestoreService.CANCELLED, null, "cancelled; original kept"));
                    } else {
                        ctx.log().error("restore of %s failed, original kept: %s", s, e.getMessage());
                        results.put(s, new RestoreService.SchemaResult(s, RestoreService.FAILED, null, e.getMessage()));
                    }
                }
                done.incrementAndGet();
            }
        }
    }

    /** Waits for every worker, even when this thread is interrupted (cancel): none may be left mid-swap. */
    private static void awaitAll(List<Future<?>> futures) throws Exception {
        boolean interrupted = false;
        Exception first = null;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof Exception x ? x : e;
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first != null) {
            throw first;
        }
    }
}
