package dev.tasknode.node.schema;

import dev.tasknode.testing.TestEndpoints;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions writing into {@code <schema>.t (parent_id, a, b)} until closed, each on its own connection (not the
 * pool's), in autocommit as an application would: an insert, optionally an update of a random existing row, a
 * short pause. The worst latency of a single statement is kept (reset per measured window).
 */
final class Writers implements AutoCloseable {
    private volatile boolean stop;
    final AtomicLong writes = new AtomicLong();
    final AtomicLong worstMicros = new AtomicLong();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    Writers(String database, String schema, int n, boolean updates, long existingRows) {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        for (int i = 0; i < n; i++) {
            int w = i;
            threads.add(Thread.ofPlatform().name("writer-" + i).start(() -> {
                try (Connection c = DriverManager.getConnection(pg.urlFor(database), pg.user(), pg.password());
                     PreparedStatement ins = c.prepareStatement("INSERT INTO " + schema + ".t (parent_id, a, b) VALUES (?, ?, ?)");
                     PreparedStatement upd = c.prepareStatement("UPDATE " + schema + ".t SET a = a + 1 WHERE id = ?")) {
                    long k = 0;
                    while (!stop) {
                        long t0 = System.nanoTime();
                        ins.setLong(1, 1 + (k % 100));
                        ins.setInt(2, (int) (k % 1000));
                        ins.setString(3, "w" + w + "-" + k++);
                        ins.executeUpdate();
                        record(t0);
                        if (updates) {
                            t0 = System.nanoTime();
                            upd.setLong(1, 1 + ThreadLocalRandom.current().nextLong(existingRows));
                            upd.executeUpdate();
                            record(t0);
                        }
                        Thread.sleep(2);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
    }

    private void record(long t0) {
        worstMicros.accumulateAndGet((System.nanoTime() - t0) / 1000, Math::max);
        writes.incrementAndGet();
    }

    /** Starts a new measured window: returns the worst so far and forgets it. */
    long resetWorstMicros() {
        return worstMicros.getAndSet(0);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
