package dev.tasknode.node.backup.restore;

import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.task.TaskContext;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Restores the schemas of one batch archive with one {@code pg_restore} (a {@code -n} per schema, {@code -j} jobs)
 * instead of one run per schema: every run reads the archive's table of contents and connects, and a run per schema
 * spent more time on that than on the data. Each schema keeps its own swap: all are moved aside (each journaled,
 * so a crash rolls each back), the archive is loaded into them at once, then each is counted, checked and finished
 * on its own — a schema whose counts differ fails alone and gets its original back. When the load itself fails,
 * every schema of the batch is put back and the caller restores them one by one, so a broken schema fails alone.
 */
final class BatchRestore {
    /** What happened to each schema of the batch; {@code retry} holds those to restore one by one. */
    record Result(Map<String, RestoreService.SchemaResult> results, List<Manifest.SchemaEntry> retry) {}

    /** Tables counted per statement (and locked at once) when the batch is checked. */
    private static final int COUNT_CHUNK = 400;

    private final SchemaRestorer restorer;
    private final int jobs;

    BatchRestore(SchemaRestorer restorer, int jobs) {
        this.restorer = restorer;
        this.jobs = Math.max(1, jobs);
    }

    Result run(TaskContext ctx, Connection w, Manifest m, String file, List<Manifest.SchemaEntry> batch,
               List<String> warnings, SchemaSwap.Keep keep) throws Exception {
        Map<String, RestoreService.SchemaResult> out = new LinkedHashMap<>();
        List<SchemaSwap.Swap> swaps = new ArrayList<>();
        try {
            for (Manifest.SchemaEntry e : batch) {
                ctx.checkCancelled();
                swaps.add(restorer.begin(ctx, w, m, e));
            }
            List<String> args = new ArrayList<>(List.of("--exit-on-error", "--jobs=" + jobs));
            batch.forEach(e -> args.add("--schema=" + e.schema()));
            args.add(restorer.store().file(m, file).toString());
            ctx.checkCancelled();
            PgTools pg = restorer.pg();
            long t0 = System.nanoTime();
            PgTools.Result r = pg.run(ctx, pg.command(pg.props().getPgRestore(), pg.target().database(), args),
                    SchemaSwap.appName("batch " + file), null, null);
            if (!r.ok()) {
                throw new IllegalStateException("pg_restore exited with " + r.exit() + ": " + r.tail());
            }
            ctx.log().info("%s: %d schema(s) loaded by one pg_restore (%d job(s)) in %.1f s", file, batch.size(), jobs,
                    (System.nanoTime() - t0) / 1e9);
        } catch (Exception | Error x) {
            for (int i = swaps.size() - 1; i >= 0; i--) {
                restorer.putBack(ctx, w, swaps.get(i), x);
            }
            if (ctx.cancelled()) {
                batch.forEach(e -> out.put(e.schema(), new RestoreService.SchemaResult(e.schema(), RestoreService.CANCELLED,
                        null, "cancelled; original kept")));
                return new Result(out, List.of());
            }
            ctx.log().warn("%s: loading %d schema(s) at once failed (%s); originals put back, restoring them one by one",
                    file, batch.size(), x.getMessage());
            return new Result(out, batch);
        }
        Map<String, Map<String, Long>> rows;
        try {
            rows = counts(w, batch);
        } catch (Exception | Error x) {
            for (int i = swaps.size() - 1; i >= 0; i--) {
                restorer.putBack(ctx, w, swaps.get(i), x);
            }
            throw x;
        }
        for (int i = 0; i < batch.size(); i++) {
            Manifest.SchemaEntry e = batch.get(i);
            try {
                Map<String, Long> got = restorer.complete(ctx, w, e, swaps.get(i), rows.getOrDefault(e.schema(), new TreeMap<>()), warnings, keep);
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
        return new Result(out, List.of());
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
