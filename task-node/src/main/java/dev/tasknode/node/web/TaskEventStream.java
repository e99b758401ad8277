package dev.tasknode.node.web;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskSummary;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A task's log as Server-Sent Events: first every stored line (the {@code logs} control call), then the live
 * ones from the events exchange, then the result. The queue is bound before the stored lines are read, so
 * nothing falls between the two; lines are de-duplicated by {@code seq}. Each SSE event's id is its seq, so a
 * browser that reconnects (or a reloaded page) continues where it was and loses nothing.
 */
@RestController
class TaskEventStream implements DisposableBean {
    static final String EXCHANGE = "tasknode.events";
    private static final Logger log = LoggerFactory.getLogger(TaskEventStream.class);
    private static final int PAGE = 500;
    /** How often a quiet stream checks the run's status (a run cut off by a dying replica has no result event). */
    private static final Duration CHECK = Duration.ofSeconds(10);
    private final AdminRpc rpc;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("admin-sse-timer").daemon().factory());
    private final Set<Follower> open = ConcurrentHashMap.newKeySet();

    TaskEventStream(AdminRpc rpc) {
        this.rpc = rpc;
    }

    @GetMapping(path = "/admin/api/runs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable String id, @RequestHeader(name = "Last-Event-ID", required = false) String lastId) {
        String taskId = AdminApi.taskId(id);
        long after = lastId == null || !lastId.matches("\\d{1,18}") ? 0 : Long.parseLong(lastId);
        SseEmitter emitter = new SseEmitter(Duration.ofMinutes(30).toMillis());
        Follower f = new Follower(taskId, emitter, after);
        open.add(f);
        emitter.onCompletion(f::close);
        emitter.onTimeout(f::close);
        emitter.onError(e -> f.close());
        Thread.ofVirtual().name("admin-sse-" + taskId).start(f::start);
        return emitter;
    }

    /** Follows one task for one browser connection. */
    private final class Follower {
        private final String taskId;
        private final SseEmitter emitter;
        private long sent;
        private boolean replaying = true;
        private boolean done;
        private final List<TaskEvent> early = new ArrayList<>();
        private Channel channel;
        private ScheduledFuture<?> check;

        Follower(String taskId, SseEmitter emitter, long after) {
            this.taskId = taskId;
            this.emitter = emitter;
            this.sent = after;
        }

        void start() {
            try {
                subscribe();
                if (isDone()) {
                    return;
                }
                TaskSummary status = rpc.control().status(rpc.node(), taskId);
                send("status", null, status);
                catchUp();
                if (status.status() != null && status.status().terminal()) {
                    finishFromStore();
                    return;
                }
                List<TaskEvent> buffered;
                synchronized (this) {
                    replaying = false;
                    buffered = List.copyOf(early);
                    early.clear();
                }
                buffered.forEach(this::live);
                synchronized (this) {
                    if (!done) {
                        check = timer.scheduleWithFixedDelay(this::checkStatus, CHECK.toMillis(), CHECK.toMillis(),
                                TimeUnit.MILLISECONDS);
                    }
                }
            } catch (RuntimeException | IOException | java.util.concurrent.TimeoutException e) {
                fail(e);
            }
        }

        private void subscribe() throws IOException, java.util.concurrent.TimeoutException {
            Channel ch = rpc.eventsConnection().createChannel();
            synchronized (this) {
                channel = ch;
                if (done) { // the browser left while we connected
                    close();
                    return;
                }
            }
            ch.exchangeDeclare(EXCHANGE, "topic", true);
            String q = ch.queueDeclare("", false, true, true, null).getQueue();
            ch.queueBind(q, EXCHANGE, rpc.node() + "." + taskId + ".#");
            ch.basicConsume(q, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body) {
                    TaskEvent e;
                    try {
                        e = Json.read(body, TaskEvent.class);
                    } catch (RuntimeException bad) {
                        log.debug("admin page: unreadable event for {}: {}", taskId, bad.toString());
                        return;
                    }
                    synchronized (Follower.this) {
                        if (replaying) {
                            early.add(e);
                            return;
                        }
                    }
                    live(e);
                }
            });
        }

        /** Sends stored lines after the last one sent, page by page. */
        private void catchUp() {
            while (true) {
                long from = sent() + 1;
                List<TaskEvent> page = rpc.control().logs(rpc.node(), taskId, from, PAGE);
                for (TaskEvent e : page) {
                    sendEvent(e);
                }
                if (page.size() < PAGE) {
                    return;
                }
            }
        }

        private void live(TaskEvent e) {
            try {
                if (e.seq() > sent() + 1 && !(e instanceof TaskResult)) {
                    catchUp(); // a gap: the store has what we missed
                }
                if (e instanceof TaskResult r) {
                    catchUp();
                    sendEvent(r);
                    complete();
                } else {
                    sendEvent(e);
                }
            } catch (RuntimeException ex) {
                fail(ex);
            }
        }

        private void checkStatus() {
            if (isDone()) {
                return;
            }
            try {
                TaskSummary s = rpc.control().status(rpc.node(), taskId);
                if (s.status() != null && s.status().terminal()) {
                    catchUp();
                    finishFromStore();
                }
            } catch (RuntimeException e) {
                log.debug("admin page: status check of {} failed: {}", taskId, e.toString());
            }
        }

        private void finishFromStore() {
            Optional<TaskResult> r = rpc.control().result(rpc.node(), taskId);
            r.ifPresent(this::sendEvent);
            complete();
        }

        private synchronized boolean isDone() {
            return done;
        }

        private synchronized long sent() {
            return sent;
        }

        private synchronized void sendEvent(TaskEvent e) {
            if (done || (e.seq() <= sent && !(e instanceof TaskResult))) {
                return;
            }
            sent = Math.max(sent, e.seq());
            send(e.type(), e.seq(), e);
        }

        private synchronized void send(String name, Long seq, Object data) {
            if (done) {
                return;
            }
            try {
                SseEmitter.SseEventBuilder b = SseEmitter.event().name(name).data(Json.MAPPER.writeValueAsString(data));
                emitter.send(seq == null ? b : b.id(Long.toString(seq)));
            } catch (IOException | IllegalStateException e) {
                close(); // the browser went away
            }
        }

        private void complete() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            emitter.complete();
            close();
        }

        private void fail(Exception e) {
            log.debug("admin page: following {} failed: {}", taskId, e.toString());
            send("failure", null, java.util.Map.of("message", "cannot follow the task: " + e.getMessage()));
            complete();
        }

        synchronized void close() {
            open.remove(this);
            done = true;
            if (check != null) {
                check.cancel(false);
            }
            Channel ch = channel;
            channel = null;
            if (ch != null && ch.isOpen()) {
                // not on the caller's thread: this may be the channel's own consumer thread, which must not
                // wait for its channel's close. The server-named queue is exclusive and auto-delete: it goes too.
                Runnable closing = () -> {
                    try {
                        ch.close();
                    } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException ignored) {
                        // the connection is already gone
                    }
                };
                try {
                    timer.execute(closing);
                } catch (RejectedExecutionException shuttingDown) {
                    Thread.ofVirtual().start(closing);
                }
            }
        }
    }

    /**
     * Ends every open stream when the node begins to stop, before the web server's graceful shutdown waits for
     * active requests: an open log pane must not hold the node's shutdown. Browsers reconnect to another replica.
     */
    @EventListener(ContextClosedEvent.class)
    void closeStreams() {
        for (Follower f : List.copyOf(open)) {
            f.complete();
        }
    }

    @Override
    public void destroy() {
        closeStreams();
        timer.shutdownNow();
    }
}
