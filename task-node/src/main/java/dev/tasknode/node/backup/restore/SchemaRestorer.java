package dev.tasknode.node.backup.restore;

import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.task.TaskContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.GZIPInputStream;

/**
 * Restores one schema from a backup through {@link SchemaSwap}: moves the live schema aside, loads the backup
 * (pg_restore, or psql for the prototype's SQL), checks the row counts against the manifest, finishes the swap. On
 * any failure, cancellation included, the partial schema is dropped and the original renamed back before the
 * exception leaves. Safe to call from several threads at once, each with its own connection. One per
 * {@link RestoreService}, which is a singleton: the finishing lock below covers every restore of this node.
 */
class SchemaRestorer {
    private final BackupStore store;
    private final SchemaSwap swap;
    private final PgTools pg;
    /**
     * Finishing a swap drops the aside copy, and with it the foreign keys of its tables into shared: that takes
     * ACCESS EXCLUSIVE on the shared tables they reference, so PostgreSQL runs such finishes one at a time anyway;
     * taking those locks in different orders from parallel restores could deadlock instead. A copy that touches no
     * other schema (its keys stay inside it, nothing outside hangs on it) is finished without it: dropping the
     * aside copies is most of a restore of many schemas, and those drops can run side by side.
     */
    private final ReentrantLock finishing = new ReentrantLock();

    /**
     * The tools as the loads run them: {@code synchronous_commit=off} in pg_restore's and psql's sessions. pg_restore
     * commits every object it creates on its own (a project of 20 tables: some 60 commits), and each commit waited for
     * its WAL flush: on a server busy writing, that wait was what made one project's restore take 0.5 s one time and
     * 3-7 s the next. Nothing is less safe for it: the loaded schema counts for nothing until the swap's last
     * transaction, which runs on the node's own connection (synchronous_commit as configured) and whose commit
     * flushes the WAL up to itself, the loads' records included; a crash before that leaves a journaled swap that
     * the repair undoes, whatever of the load was lost.
     */
    private final PgTools loader;

    SchemaRestorer(BackupStore store, SchemaSwap swap, PgTools pg) {
        this.store = store;
        this.swap = swap;
        this.pg = pg;
        this.loader = pg.on(pg.target().withSetting("synchronous_commit", "off"));
    }

    /** Returns the restored row counts; warnings (foreign keys re-created NOT VALID…) are added to {@code warnings}. */
    Map<String, Long> restore(TaskContext ctx, Connection w, Manifest m, Manifest.SchemaEntry e, List<String> warnings,
                              SchemaSwap.Keep keep) throws Exception {
        long t0 = System.nanoTime();
        SchemaSwap.Swap sw = begin(ctx, w, m, e);
        Map<String, Long> rows;
        long t1 = System.nanoTime();
        long t2;
        try {
            load(ctx, w, m, e, sw);
            t2 = System.nanoTime();
            rows = SchemaCatalog.rowCounts(w, e.schema());
        } catch (Exception | Error x) {
            putBack(ctx, w, sw, x);
            throw x;
        }
        long t3 = System.nanoTime();
        Map<String, Long> out = complete(ctx, w, e, sw, rows, warnings, keep);
        ctx.log().info("%s: phases aside + create %.2f s, %s %.2f s, row counts %.2f s, finish %.2f s", e.schema(),
                (t1 - t0) / 1e9, Manifest.PROTOTYPE.equals(m.format()) ? "psql" : "pg_restore", (t2 - t1) / 1e9,
                (t3 - t2) / 1e9, (System.nanoTime() - t3) / 1e9);
        return out;
    }

    /** Step 1 of a restore: the live schema moved aside (journaled) and, for a pg_dump archive, the new one created empty. */
    SchemaSwap.Swap begin(TaskContext ctx, Connection w, Manifest m, Manifest.SchemaEntry e) throws Exception {
        String s = e.schema();
        SchemaSwap.Swap sw = swap.moveAside(w, s, m.id(), ctx.taskId());
        if (sw.aside() != null) {
            ctx.log().info("moved %s aside to %s", s, sw.aside());
        } else {
            ctx.log().info("%s does not exist now: recreating it", s);
        }
        if (!Manifest.PROTOTYPE.equals(m.format())) {
            try {
                swap.create(w, sw);
            } catch (Exception | Error x) {
                putBack(ctx, w, sw, x);
                throw x;
            }
        }
        return sw;
    }

    /**
     * Last step, once the schema is loaded: its row counts ({@code rows}, counted by the caller) against the
     * manifest, then the swap finished. On any failure the original is put back before the exception leaves.
     */
    Map<String, Long> complete(TaskContext ctx, Connection w, Manifest.SchemaEntry e, SchemaSwap.Swap sw,
                               Map<String, Long> rows, List<String> warnings, SchemaSwap.Keep keep) throws Exception {
        String s = e.schema();
        try {
            if (e.tables() != null && !e.tables().equals(rows)) {
                throw new IllegalStateException("restored row counts differ from the manifest: " + diff(e.tables(), rows));
            }
            ctx.checkCancelled(); // the last moment the original can still come back
            List<String> ws;
            // only a copy that other schemas hang on, or that references them, locks tables outside itself when dropped
            boolean serial = swap.touchesOthers(w, sw, keep != null);
            if (serial) {
                finishing.lock();
            }
            try {
                ws = swap.finish(w, sw, keep);
            } finally {
                if (serial) {
                    finishing.unlock();
                }
            }
            for (String warning : ws) {
                ctx.log().warn(warning);
                synchronized (warnings) {
                    warnings.add(warning);
                }
            }
            Dependents.Captured d = sw.dependents();
            if (!d.foreignKeys().isEmpty() || !d.views().isEmpty()) {
                ctx.log().info("re-attached %d foreign key(s) and %d view(s) of other schemas to %s",
                        d.foreignKeys().size(), d.views().size(), s);
            }
            return rows;
        } catch (Exception | Error x) {
            putBack(ctx, w, sw, x);
            throw x;
        }
    }

    /** Undoes step 1 (drops the partial schema, renames the original back); a failure here is left to the journal. */
    void putBack(TaskContext ctx, Connection w, SchemaSwap.Swap sw, Throwable cause) {
        try {
            swap.putBack(w, sw.schema(), sw.aside());
        } catch (SQLException y) {
            cause.addSuppressed(y);
            ctx.log().error("could not put %s back (%s); the next start repairs it from the journal", sw.schema(), y.getMessage());
        }
    }

    PgTools pg() {
        return pg;
    }

    /** The tools for loading a schema (see {@link #loader}). */
    PgTools loader() {
        return loader;
    }

    SchemaSwap swap() {
        return swap;
    }

    /** The lock finishes that touch other schemas' tables take (see the field); batch finishes take it too. */
    ReentrantLock finishing() {
        return finishing;
    }

    BackupStore store() {
        return store;
    }

    private void load(TaskContext ctx, Connection w, Manifest m, Manifest.SchemaEntry e, SchemaSwap.Swap sw) throws Exception {
        String s = e.schema();
        Path file = store.file(m, e.file());
        if (Manifest.PROTOTYPE.equals(m.format())) {
            List<String> cmd = loader.command(pg.props().getPsql(), pg.target().database(),
                    List.of("-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"));
            PgTools.Result r = loader.run(ctx, cmd, SchemaSwap.appName(s), null, os -> {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                    in.transferTo(os);
                }
            });
            if (!r.ok()) {
                throw new IllegalStateException("psql exited with " + r.exit() + ": " + r.tail());
            }
            if (!SchemaCatalog.exists(w, s)) {
                throw new IllegalStateException(e.file() + " did not create schema " + s);
            }
            swap.adopt(w, sw);
        } else {
            // one transaction: one commit instead of one per object (and nothing of a failed load to clean up)
            List<String> cmd = loader.command(pg.props().getPgRestore(), pg.target().database(),
                    List.of("--exit-on-error", "--single-transaction", "--schema=" + s, file.toString()));
            PgTools.Result r = loader.run(ctx, cmd, SchemaSwap.appName(s), null, null);
            if (!r.ok()) {
                throw new IllegalStateException("pg_restore exited with " + r.exit() + ": " + r.tail());
            }
        }
    }

    private static String diff(Map<String, Long> want, Map<String, Long> got) {
        List<String> d = new ArrayList<>();
        want.forEach((t, n) -> {
            if (!n.equals(got.get(t))) {
                d.add(t + " " + got.get(t) + " (want " + n + ")");
            }
        });
        got.keySet().stream().filter(t -> !want.containsKey(t)).forEach(t -> d.add(t + " unexpected"));
        return String.join(", ", d.size() > 10 ? d.subList(0, 10) : d);
    }
}
