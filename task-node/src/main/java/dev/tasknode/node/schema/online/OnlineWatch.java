package dev.tasknode.node.schema.online;

import dev.tasknode.node.task.TaskContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the sessions that run migration statements, from one connection of its own, a few times a second:
 * who blocks them ({@code pg_blocking_pids}: known only while the wait lasts, so it must be sampled, not asked
 * after the lock timeout) and how far an index build is ({@code pg_stat_progress_create_index}), published as
 * the task's progress events. Validations have no progress view: they report their running time.
 */
public final class OnlineWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OnlineWatch.class);
    private static final long TICK_MS = 100;

    private final Connection c;
    private final Map<Integer, Watched> watched = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /** A session holding a lock a migration statement waits for. */
    public record Blocker(int pid, String state, String query, long ageMillis) {
        @Override
        public String toString() {
            return "pid " + pid + " (" + state + ", transaction open " + ageMillis / 1000.0 + " s): "
                    + (query == null ? "?" : query.replaceAll("\\s+", " "));
        }
    }

    /** One watched statement: its blockers as last seen, progress published under its label. */
    public final class Watched implements AutoCloseable {
        private final int pid;
        private final TaskContext ctx;
        private final String label;
        private final boolean indexBuild;
        private final long started = System.nanoTime();
        private volatile List<Blocker> blockers = List.of();
        private long lastReport;

        private Watched(int pid, TaskContext ctx, String label, boolean indexBuild) {
            this.pid = pid;
            this.ctx = ctx;
            this.label = label;
            this.indexBuild = indexBuild;
        }

        /** The sessions seen blocking this statement most recently (empty if none was seen). */
        public List<Blocker> blockers() {
            return blockers;
        }

        @Override
        public void close() {
            watched.remove(pid, this);
        }
    }

    private OnlineWatch(Connection c) {
        this.c = c;
        this.thread = Thread.ofPlatform().daemon().name("schema-online-watch").start(this::loop);
    }

    /** Watches on {@code c}, which nobody else may use until {@link #close()}. */
    public static OnlineWatch start(Connection c) {
        return new OnlineWatch(c);
    }

    /** Starts watching the session {@code pid}; close the handle when its statement is over. */
    public Watched watch(int pid, TaskContext ctx, String label, boolean indexBuild) {
        Watched w = new Watched(pid, ctx, label, indexBuild);
        watched.put(pid, w);
        return w;
    }

    private void loop() {
        boolean warned = false;
        while (!closed) {
            try {
                Thread.sleep(TICK_MS);
                if (!watched.isEmpty()) {
                    poll();
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException e) {
                if (!warned && !closed) {
                    log.warn("watching migration sessions failed (blockers and progress not reported): {}", e.getMessage());
                    warned = true;
                }
            }
        }
    }

    private void poll() throws SQLException {
        Integer[] pids = watched.keySet().toArray(Integer[]::new);
        Map<Integer, List<Blocker>> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT w.pid, b.pid, b.state, left(b.query, 300),
                       (extract(epoch FROM now() - coalesce(b.xact_start, b.query_start)) * 1000)::bigint
                FROM unnest(?::int[]) AS w(pid) CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)
                JOIN pg_stat_activity b ON b.pid = bp.pid""")) {
            ps.setArray(1, c.createArrayOf("integer", pids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>())
                            .add(new Blocker(rs.getInt(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
                }
            }
        }
        found.forEach((pid, list) -> {
            Watched w = watched.get(pid);
            if (w != null) {
                w.blockers = List.copyOf(list);
            }
        });
        Map<Integer, String> phases = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pid, phase, blocks_done, blocks_total, tuples_done, "
                + "tuples_total FROM pg_stat_progress_create_index WHERE pid = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("integer", pids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Watched w = watched.get(rs.getInt(1));
                    if (w == null) {
                        continue;
                    }
                    boolean blocks = rs.getLong(4) > 0;
                    long done = blocks ? rs.getLong(3) : rs.getLong(5);
                    long total = blocks ? rs.getLong(4) : rs.getLong(6);
                    phases.put(w.pid, rs.getString(2));
                    w.ctx.progress(done, total, w.label + ": " + rs.getString(2) + (blocks ? " (blocks)" : " (tuples)"));
                }
            }
        }
        long now = System.nanoTime();
        for (Watched w : watched.values()) {
            // a validation (or a build between phases) reports its running time about once a second
            if (!phases.containsKey(w.pid) && now - w.lastReport > 1_000_000_000L) {
                w.lastReport = now;
                long secs = (now - w.started) / 1_000_000_000L;
                if (secs > 0) {
                    w.ctx.progress(secs, 0, w.label + ": running " + secs + " s" + (w.indexBuild ? " (index build)" : ""));
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(5000);
    }
}
