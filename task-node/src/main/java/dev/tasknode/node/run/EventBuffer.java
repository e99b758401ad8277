package dev.tasknode.node.run;

import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.node.store.TaskStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes task events to the store in batches (every 100 ms) instead of one INSERT per log line: a chatty task
 * over a thousand schemas would otherwise spend its time on round trips. A run flushes before it records its
 * result, so a finished run's log is complete; a crash loses at most the last 100 ms of lines.
 */
@Component
public class EventBuffer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventBuffer.class);

    private final TaskStore store;
    private final ConcurrentLinkedQueue<TaskEvent> pending = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tasknode-event-flush");
        t.setDaemon(true);
        return t;
    });

    public EventBuffer(TaskStore store) {
        this.store = store;
        flusher.scheduleWithFixedDelay(this::flushQuietly, 100, 100, TimeUnit.MILLISECONDS);
    }

    public void add(TaskEvent e) {
        pending.add(e);
    }

    /** Takes the events of one run that are not written yet (they go into the run's final transaction). */
    public synchronized List<TaskEvent> drain(String taskId) {
        List<TaskEvent> mine = new ArrayList<>();
        pending.removeIf(e -> {
            if (e.taskId().equals(taskId)) {
                mine.add(e);
                return true;
            }
            return false;
        });
        return mine;
    }

    /** Writes everything added so far. */
    public synchronized void flush() {
        List<TaskEvent> batch = new ArrayList<>();
        for (TaskEvent e; (e = pending.poll()) != null; ) {
            batch.add(e);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.appendEvents(batch);
        } catch (RuntimeException ex) {
            pending.addAll(batch); // the database may be back next time
            throw ex;
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException ex) {
            log.warn("could not store task events, will retry: {}", ex.toString());
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        flushQuietly();
    }
}
