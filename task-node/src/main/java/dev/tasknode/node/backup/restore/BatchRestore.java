package dev.tasknode.node.backup.restore;

import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.task.TaskContext;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Restores the schemas of one batch archive with a few {@code pg_restore} runs (a {@code -n} per schema, a few hundred
 * tables per run, each in one transaction) instead of one run per schema: every run reads the archive's table of
 * contents and connects, and a run per schema spent more time on that than on the data. The swaps' first and last steps run for the whole batch at once
 * ({@link BatchSwap}: a transaction for all renames aside, one per chunk of finishes) rather than a few round trips
 * and a commit per schema; each schema is still journaled, counted and checked on its own — a schema whose counts
 * differ, or that another schema's objects hang on, is finished one by one and fails alone, getting its original
 * back. When the load itself fails, every schema of the batch is put back and the caller restores them one by one,
 * so a broken schema fails alone.
 */
final class BatchRestore {
    /** What happened to each schema of the batch; {@code retry} holds those to restore one by one. */
    record Result(Map<String, RestoreService.SchemaResult> results, List<Manifest.SchemaEntry> retry) {}

    /** Where a restore of many schemas spends its time, summed over the batches (and so over parallel workers). */
    static final class Phases {
        final LongAdder aside = new LongAdder();
        final LongAdder load = new LongAdder();
        final LongAdder count = new LongAdder();
        final LongAdder finish = new LongAdder();

        String summary() {
            return String.format("move aside + create %.1f s, pg_restore %.1f s, row counts %.1f s, finish (keep or drop"
                    + " the replaced copies, close the journal) %.1f s", s(aside), s(load), s(count), s(finish));
        }

        boolean any() {
            return aside.sum() + load.sum() + count.sum() + finish.sum() > 0;
        }

        private static double s(LongAdder a) {
            return a.sum() / 1e9;
        }
    }

    /** Tables loaded per pg_restore transaction (about four locks each: table, TOAST table and index, primary key). */
    static final int LOAD_TABLES = 200;

    /** Tables counted per statement (and locked at once) when the batch is checked. */
    private static final int COUNT_CHUNK = 400;

    private final SchemaRestorer restorer;
    private final BatchSwap swaps;
    private final int jobs;
    private final Phases phases;

    BatchRestore(SchemaRestorer restorer, int jobs, Phases phases) {
        this.restorer = restorer;
        this.swaps = new BatchSwap(restorer.swap());
        this.jobs = Math.max(1, jobs);
        this.phases = phases;
    }

    Result run(TaskContext ctx, Connection w, Manifest m, String file, List<Manifest.SchemaEntry> batch,
               List<String> warnings, SchemaSwap.Keep keep) throws Exception {
        Map<String, RestoreService.SchemaResult> out = new LinkedHashMap<>();
        ctx.checkCancelled();
        long t0 = System.nanoTime();
        List<SchemaSwap.Swap> moved;
        try {
            moved = swaps.moveAside(w, batch.stream().map(Manifest.SchemaEntry::schema).toList(), m.id(), ctx.taskId());
        } catch (java.sql.SQLException x) {
            // rolled back, nothing moved: one by one, each schema then fails (or not) on its own
            ctx.log().warn("%s: moving %d schema(s) aside at once failed (%s); restoring them one by one", file, batch.size(),
                    x.getMessage());
            return new Result(out, batch);
        }
        long t1 = System.nanoTime();
        phases.aside.add(t1 - t0);
        List<String> names = moved.stream().map(s -> s.schema() + " -> " + (s.aside() == null ? "(did not exist)" : s.aside())).toList();
        ctx.log().info("%s: moved %d schema(s) aside (journaled), new empty ones created in %.1f s: %s", file, batch.size(),
                (t1 - t0) / 1e9, names.size() <= 20 ? String.join(", ", names) : String.join(", ", names.subList(0, 20))
                        + " and " + (names.size() - 20) + " more (" + restorer.swap().journalTable() + " lists them)");
        double load;
        int runs = 0;
        try {
            for (List<Manifest.SchemaEntry> part : loads(batch)) {
                // a part of a few hundred tables in one transaction: one commit instead of one per object, its
                // locks (about four per table, held to the commit) well inside the lock table; a schema bigger
                // than that alone, with --jobs and a commit per object, as pg_restore does by default
                boolean big = part.size() == 1 && tableCount(part.get(0)) > LOAD_TABLES;
                List<String> args = new ArrayList<>(List.of("--exit-on-error", big ? "--jobs=" + jobs : "--single-transaction"));
                part.forEach(e -> args.add("--schema=" + e.schema()));
                args.add(restorer.store().file(m, file).toString());
                ctx.checkCancelled();
                PgTools pg = restorer.loader(); // synchronous_commit=off: see SchemaRestorer's loader
                PgTools.Result r = pg.run(ctx, pg.command(pg.props().getPgRestore(), pg.target().database(), args),
                        SchemaSwap.appName("batch " + file), null, null);
                if (!r.ok()) {
                    throw new IllegalStateException("pg_restore exited with " + r.exit() + ": " + r.tail());
                }
                runs++;
            }
            load = (System.nanoTime() - t1) / 1e9;
        } catch (Exception | Error x) {
            phases.load.add(System.nanoTime() - t1);
            putBackAll(ctx, w, moved, x);
            if (ctx.cancelled()) {
                batch.forEach(e -> out.put(e.schema(), new RestoreService.SchemaResult(e.schema(), RestoreService.CANCELLED,
                        null, "cancelled; original kept")));
                return new Result(out, List.of());
            }
            ctx.log().warn("%s: loading %d schema(s) at once failed (%s); originals put back, restoring them one by one",
                    file, batch.size(), x.getMessage());
            return new Result(out, batch);
        }
        long t2 = System.nanoTime();
        phases.load.add(t2 - t1);
        Map<String, Map<String, Long>> rows;
        try {
            rows = counts(w, batch);
        } catch (Exception | Error x) {
            putBackAll(ctx, w, moved, x);
            throw x;
        }
        long t3 = System.nanoTime();
        phases.count.add(t3 - t2);
        // the schemas whose counts match the manifest are finished together; the rest one by one (fail, put back)
        List<SchemaSwap.Swap> matching = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Manifest.SchemaEntry e = batch.get(i);
            if (e.tables() == null || e.tables().equals(rows.getOrDefault(e.schema(), new TreeMap<>()))) {
                matching.add(moved.get(i));
            }
        }
        Set<String> finished = new HashSet<>();
        if (!ctx.cancelled()) { // cancelled: each is put back by the one-by-one finish below
            swaps.finish(w, matching, keep, restorer.finishing(), ctx.log()).forEach(s -> finished.add(s.schema()));
        }
        for (int i = 0; i < batch.size(); i++) {
            Manifest.SchemaEntry e = batch.get(i);
            Map<String, Long> got = rows.getOrDefault(e.schema(), new TreeMap<>());
            if (finished.contains(e.schema())) {
                out.put(e.schema(), new RestoreService.SchemaResult(e.schema(), RestoreService.RESTORED, got, null));
                ctx.log().info("restored %s (%d table(s), %d row(s))", e.schema(), got.size(),
                        got.values().stream().mapToLong(Long::longValue).sum());
                continue;
            }
            try {
                got = restorer.complete(ctx, w, e, moved.get(i), got, warnings, keep);
                out.put(e.schema(), new RestoreService.SchemaResult(e.schema(), RestoreService.RESTORED, got, null));
                ctx.log().info("restored %s (%d table(s), %d row(s))", e.schema(), got.size(),
                        got.values().stream().mapToLong(Long::longValue).sum());
            } catch (Exception x) {
                boolean cancelled = ctx.cancelled();
                if (!cancelled) {
                    ctx.log().error("restore of %s failed, original kept: %s", e.schema(), x.getMessage());
                }
                out.put(e.schema(), new RestoreService.SchemaResult(e.schema(), cancelled ? RestoreService.CANCELLED
                        : RestoreService.FAILED, null, cancelled ? "cancelled; original kept" : x.getMessage()));
            }
        }
        long t4 = System.nanoTime();
        phases.finish.add(t4 - t3);
        ctx.log().info("%s: %d schema(s): aside %.1f s, pg_restore (%d run(s)) %.1f s, row counts %.1f s, finish %.1f s"
                + " (%d together, %d one by one)", file, batch.size(), (t1 - t0) / 1e9, runs, load, (t3 - t2) / 1e9,
                (t4 - t3) / 1e9, finished.size(), batch.size() - finished.size());
        return new Result(out, List.of());
    }

    private void putBackAll(TaskContext ctx, Connection w, List<SchemaSwap.Swap> moved, Throwable x) {
        for (int i = moved.size() - 1; i >= 0; i--) {
            restorer.putBack(ctx, w, moved.get(i), x);
        }
    }

    /**
     * The batch in parts of at most {@link #LOAD_TABLES} tables (by the manifest), each loaded by one pg_restore in
     * one transaction. Measured on a 57-schema archive of the 1,000-project fleet (load 9-12 on 2 cores): one
     * {@code pg_restore --jobs 2} 19-26 s, parts of 10 schemas in one transaction each 15 s, the server's CPU about
     * 2 s of it — with two batches restored at once, {@code --jobs} only added backends competing for the cores.
     */
    private static List<List<Manifest.SchemaEntry>> loads(List<Manifest.SchemaEntry> batch) {
        List<List<Manifest.SchemaEntry>> out = new ArrayList<>();
        List<Manifest.SchemaEntry> part = new ArrayList<>();
        int n = 0;
        for (Manifest.SchemaEntry e : batch) {
            int t = tableCount(e);
            if (!part.isEmpty() && n + t > LOAD_TABLES) {
                out.add(part);
                part = new ArrayList<>();
                n = 0;
            }
            part.add(e);
            n += t;
        }
        if (!part.isEmpty()) {
            out.add(part);
        }
        return out;
    }

    /** Tables of a schema as the manifest says (a prototype's or an old manifest's: unknown, counted as 20). */
    private static int tableCount(Manifest.SchemaEntry e) {
        return e.tables() == null ? 20 : Math.max(1, e.tables().size());
    }

    /** Exact row counts of the batch's restored schemas, a few hundred tables per statement. */
    private static Map<String, Map<String, Long>> counts(Connection w, List<Manifest.SchemaEntry> batch) throws Exception {
        Map<String, List<String>> tables = SchemaCatalog.tables(w, batch.stream().map(Manifest.SchemaEntry::schema).toList());
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        Map<String, List<String>> chunk = new LinkedHashMap<>();
        int n = 0;
        for (Manifest.SchemaEntry e : batch) {
            List<String> t = tables.getOrDefault(e.schema(), List.of());
            chunk.put(e.schema(), t);
            n += t.size();
            if (n >= COUNT_CHUNK) {
                out.putAll(SchemaCatalog.rowCounts(w, chunk));
                chunk = new LinkedHashMap<>();
                n = 0;
            }
        }
        if (!chunk.isEmpty()) {
            out.putAll(SchemaCatalog.rowCounts(w, chunk));
        }
        return out;
    }
}
