package dev.tasknode.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.messages.ProgressEvent;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.contracts.messages.TaskSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ordering, replay and dedupe of a handle, without a broker: the backend is a stub that answers {@code logs}. */
class TaskHandleTest {
    private static final Instant T = Instant.parse("2026-11-24T06:00:00Z");
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<Long> logQueries = new CopyOnWriteArrayList<>();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile LongFunction<List<TaskEvent>> logs = from -> List.of();
    private volatile Optional<TaskResult> stored = Optional.empty();
    private final AtomicInteger resultQueries = new AtomicInteger();

    private final TaskHandle.Backend backend = new TaskHandle.Backend() {
        @Override
        public List<TaskEvent> logs(String node, String taskId, long fromSeq) {
            logQueries.add(fromSeq);
            return logs.apply(fromSeq);
        }

        @Override
        public Optional<TaskResult> result(String node, String taskId) {
            resultQueries.incrementAndGet();
            return stored;
        }

        @Override
        public TaskSummary cancel(String node, String taskId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void finished(TaskHandle handle) {
            finished.incrementAndGet();
        }

        @Override
        public Executor executor() {
            return executor;
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return scheduler;
        }
    };

    @AfterEach
    void stop() {
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    private TaskHandle handle() {
        return new TaskHandle(backend, "n", "t1", "sleep", System.nanoTime() + Duration.ofSeconds(30).toNanos());
    }

    private static LogLine log(long seq) {
        return LogLine.of("t1", seq, T, "INFO", "line " + seq);
    }

    private static TaskResult result(long seq) {
        return TaskResult.of("t1", seq, "sleep", TaskStatus.SUCCEEDED, "done", null, null, T, T);
    }

    private static List<Long> seqs(List<TaskEvent> events) {
        return events.stream().map(TaskEvent::seq).toList();
    }

    @Test
    void eventsOvertakingEachOtherAreDeliveredInOrder() throws Exception {
        TaskHandle h = handle();
        List<TaskEvent> seen = Collections.synchronizedList(new ArrayList<>());
        h.onEvent(seen::add);
        h.offer(log(2));
        h.offer(result(4));
        h.offer(ProgressEvent.of("t1", 3, T, 1, 2, "x"));
        h.offer(log(1));
        TaskResult r = h.result().get(5, TimeUnit.SECONDS);
        assertEquals(4, r.seq());
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(seen));
        assertEquals(List.of(), logQueries, "nothing was missing long enough to be queried");
        assertEquals(1, finished.get());
    }

    @Test
    void theResultArrivingTwiceIsDeliveredOnce() throws Exception {
        TaskHandle h = handle();
        List<TaskEvent> seen = new CopyOnWriteArrayList<>();
        h.onEvent(seen::add);
        h.offer(log(1));
        TaskResult first = result(2);
        h.offer(first); // via the events binding
        h.offer(result(2)); // and via reply_to
        h.offer(log(1)); // a duplicate line (e.g. from a logs query) as well
        assertSame(first, h.join());
        Thread.sleep(100);
        h.offer(result(2)); // after completion: still nothing
        Thread.sleep(100);
        assertEquals(List.of(1L, 2L), seqs(seen));
        assertEquals(1, finished.get());
    }

    @Test
    void lateListenersGetThePastReplayedOnceThenLiveEvents() throws Exception {
        TaskHandle h = handle();
        CountDownLatch two = new CountDownLatch(2);
        h.onEvent(e -> two.countDown());
        h.offer(log(1));
        h.offer(log(2));
        assertTrue(two.await(5, TimeUnit.SECONDS));
        List<LogLine> late = new CopyOnWriteArrayList<>();
        h.onLog(late::add);
        assertEquals(List.of(1L, 2L), late.stream().map(LogLine::seq).toList(), "replayed at registration");
        h.offer(log(3));
        h.offer(result(4));
        h.join();
        assertEquals(List.of(1L, 2L, 3L), late.stream().map(LogLine::seq).toList());
        List<TaskEvent> afterEnd = new ArrayList<>();
        h.onEvent(afterEnd::add);
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(afterEnd), "even after the result everything is replayed");
    }

    @Test
    void aListenerRegisteredFromAListenerSeesEachEventOnce() throws Exception {
        TaskHandle h = handle();
        List<TaskEvent> inner = new CopyOnWriteArrayList<>();
        h.onEvent(e -> {
            if (e.seq() == 2) {
                h.onEvent(inner::add);
            }
        });
        for (long s = 1; s <= 3; s++) {
            h.offer(log(s));
        }
        h.offer(result(4));
        h.join();
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(inner));
    }

    @Test
    void aGapIsFilledWithTheLogsCall() throws Exception {
        logs = from -> from == 2 ? List.of(log(2), log(3)) : List.of();
        TaskHandle h = handle();
        List<TaskEvent> seen = new CopyOnWriteArrayList<>();
        h.onEvent(seen::add);
        h.offer(log(1));
        h.offer(log(4));
        h.offer(result(5)); // the result waits for the missing lines
        h.join();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(seen));
        assertEquals(List.of(2L), logQueries);
    }

    @Test
    void aGapTheNodeCannotFillIsSkippedAfterAFewTries() throws Exception {
        TaskHandle h = handle();
        List<TaskEvent> seen = new CopyOnWriteArrayList<>();
        h.onEvent(seen::add);
        h.offer(log(1));
        h.offer(log(3));
        h.offer(result(4));
        h.join(Duration.ofSeconds(10));
        assertEquals(List.of(1L, 3L, 4L), seqs(seen));
        assertEquals(TaskHandle.GAP_ATTEMPTS, logQueries.size());
        assertTrue(logQueries.stream().allMatch(s -> s == 2), logQueries.toString());
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() throws Exception {
        TaskHandle h = handle();
        List<TaskEvent> seen = new CopyOnWriteArrayList<>();
        h.onEvent(e -> {
            throw new IllegalStateException("listener bug");
        });
        h.onEvent(seen::add);
        h.offer(log(1));
        h.offer(result(2));
        h.join();
        assertEquals(List.of(1L, 2L), seqs(seen));
    }

    @Test
    void aQuietTaskAsksForItsResult() throws Exception {
        TaskHandle h = handle();
        h.watch(200);
        h.offer(log(1));
        Thread.sleep(700);
        assertTrue(resultQueries.get() >= 1, "asked while quiet");
        assertTrue(!h.isDone());
        stored = Optional.of(result(2)); // the node recorded the result; its message never came
        assertEquals(2, h.join(Duration.ofSeconds(5)).seq());
        int asked = resultQueries.get();
        Thread.sleep(500);
        assertEquals(asked, resultQueries.get(), "no more queries once done");
    }

    @Test
    void timeoutAndFailure() {
        TaskHandle h = new TaskHandle(backend, "n", "t1", "sleep", System.nanoTime() + Duration.ofMillis(200).toNanos());
        TaskTimeoutException e = assertThrows(TaskTimeoutException.class, h::join);
        assertEquals("timeout", e.code());
        assertTrue(!h.isDone(), "join timing out alone does not end the handle");
        h.fail(new TaskTimeoutException("deadline"));
        assertThrows(TaskTimeoutException.class, () -> h.join(Duration.ofSeconds(1)));
        assertEquals(1, finished.get());
        h.offer(result(1)); // a late result no longer changes the outcome
        assertTrue(h.result().isCompletedExceptionally());
    }
}
