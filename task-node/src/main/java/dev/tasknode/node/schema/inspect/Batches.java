package dev.tasknode.node.schema.inspect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * A fleet's catalogs, read in batches of {@link #SIZE} schemas, several batches at once: each batch is one
 * backend's work (a dozen catalog queries, rendering included), so a second connection puts a second server core to
 * work while this node groups the first batch. At most {@code parallel} batches are in memory; the caller receives
 * them in order, on its own thread (grouping and diffing stay single-threaded and deterministic).
 */
public final class Batches {
    /** Schemas per batch: bounds memory and the OID lists in each query, keeps the query count small. */
    public static final int SIZE = 500;

    private Batches() {}

    public interface Sink {
        void accept(Map<String, Catalog.Schema> batch) throws SQLException;
    }

    /**
     * @param c        the caller's connection: used alone when there is one batch or {@code parallel} is 1
     * @param ds       where further connections come from (one per batch in flight)
     * @param parallel batches read at once
     */
    public static void inspect(Connection c, DataSource ds, List<String> schemas, String shared, Set<String> extensions,
                               CatalogInspector.Detail detail, int parallel, Sink sink) throws SQLException {
        int batches = (schemas.size() + SIZE - 1) / SIZE;
        Rendered rendered = new Rendered(); // a definition's text, rendered by one batch, serves the others
        if (batches <= 1 || parallel <= 1 || ds == null) {
            for (int i = 0; i < schemas.size(); i += SIZE) {
                sink.accept(CatalogInspector.inspect(c, slice(schemas, i), shared, extensions, detail, rendered));
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, batches),
                Thread.ofPlatform().name("inspect-", 0).daemon().factory());
        Deque<Future<Map<String, Catalog.Schema>>> inFlight = new ArrayDeque<>();
        try {
            int next = 0;
            while (next < schemas.size() || !inFlight.isEmpty()) {
                while (next < schemas.size() && inFlight.size() < parallel) {
                    List<String> batch = slice(schemas, next);
                    inFlight.add(pool.submit(() -> {
                        try (Connection own = ds.getConnection()) {
                            return CatalogInspector.inspect(own, batch, shared, extensions, detail, rendered);
                        }
                    }));
                    next += SIZE;
                }
                sink.accept(take(inFlight.removeFirst()));
            }
        } finally {
            inFlight.forEach(f -> f.cancel(true));
            pool.shutdownNow();
        }
    }

    private static List<String> slice(List<String> schemas, int from) {
        return schemas.subList(from, Math.min(schemas.size(), from + SIZE));
    }

    private static Map<String, Catalog.Schema> take(Future<Map<String, Catalog.Schema>> f) throws SQLException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while reading the catalogs", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            throw new SQLException("reading the catalogs failed: " + e.getCause(), e.getCause());
        }
    }
}
