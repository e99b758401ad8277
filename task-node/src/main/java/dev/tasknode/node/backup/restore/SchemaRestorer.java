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
     * ACCESS EXCLUSIVE on the shared tables they reference, so PostgreSQL runs the finishes one at a time anyway;
     * taking those locks in different orders from parallel restores could deadlock instead.
     */
    private final ReentrantLock finishing = new ReentrantLock();

    SchemaRestorer(BackupStore store, SchemaSwap swap, PgTools pg) {
        this.store = store;
        this.swap = swap;
        this.pg = pg;
    }

    /** Returns the restored row counts; warnings (foreign keys re-created NOT VALID…) are added to {@code warnings}. */
    Map<String, Long> restore(TaskContext ctx, Connection w, Manifest m, Manifest.SchemaEntry e, List<String> warnings)
            throws Exception {
        String s = e.schema();
        SchemaSwap.Swap sw = swap.moveAside(w, s, m.id(), ctx.taskId());
        if (sw.aside() != null) {
            ctx.log().info("moved %s aside to %s", s, sw.aside());
        } else {
            ctx.log().info("%s does not exist now: recreating it", s);
        }
        try {
            load(ctx, w, m, e, sw);
            Map<String, Long> rows = SchemaCatalog.rowCounts(w, s);
            if (e.tables() != null && !e.tables().equals(rows)) {
                throw new IllegalStateException("restored row counts differ from the manifest: " + diff(e.tables(), rows));
            }
            ctx.checkCancelled(); // the last moment the original can still come back
            List<String> ws;
            finishing.lock();
            try {
                ws = swap.finish(w, sw);
            } finally {
                finishing.unlock();
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
            try {
                swap.putBack(w, s, sw.aside());
            } catch (SQLException y) {
                x.addSuppressed(y);
                ctx.log().error("could not put %s back (%s); the next start repairs it from the journal", s, y.getMessage());
            }
            throw x;
        }
    }

    private void load(TaskContext ctx, Connection w, Manifest m, Manifest.SchemaEntry e, SchemaSwap.Swap sw) throws Exception {
        String s = e.schema();
        Path file = store.file(m, e.file());
        if (Manifest.PROTOTYPE.equals(m.format())) {
            List<String> cmd = pg.command(pg.props().getPsql(), pg.target().database(),
                    List.of("-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"));
            PgTools.Result r = pg.run(ctx, cmd, SchemaSwap.appName(s), null, os -> {
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
            swap.create(w, sw);
            List<String> cmd = pg.command(pg.props().getPgRestore(), pg.target().database(),
                    List.of("--exit-on-error", "--schema=" + s, file.toString()));
            PgTools.Result r = pg.run(ctx, cmd, SchemaSwap.appName(s), null, null);
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
