package dev.tasknode.client;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tasknode.contracts.Wire;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one broker connection of an {@link RpcManager}, its answer queue and the bindings of the pending tasks,
 * re-established after a connection loss.
 *
 * <p>A task's events come to the answer queue directly (the request asks the node with
 * {@code x-events-to-reply-to}), so a first connection binds nothing. After a reconnect the node still
 * sends to the old, deleted queue: then the new queue is bound for every pending task instead.
 *
 * <p>We reconnect ourselves instead of using amqp-client's automatic recovery because the order matters:
 * a new answer queue, then every wanted binding, and only then the {@link Listener#reconnected()} callback
 * (which re-sends what is unanswered and queries missed results). Automatic recovery renames server-named
 * queues behind our back and gives no such ordering.
 */
final class BrokerLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLink.class);
    private static final long[] BACKOFF_MS = {100, 250, 500, 1000, 2000};

    interface Listener {
        /** A message arrived on the answer queue. Runs on amqp-client's consumer thread: must not block. */
        void delivered(AMQP.BasicProperties props, byte[] body);

        /** The broker returned a mandatory message as unroutable. */
        void returned(String routingKey, AMQP.BasicProperties props);

        /** A new connection is up with its queue and all bindings; messages sent before may have been lost. */
        void reconnected();
    }

    /** {@code bound}: the routing keys this session's queue is actually bound with (unbind only those). */
    private record Session(Connection connection, Channel consume, Channel publish, String queue, Set<String> bound) {}

    private final ConnectionFactory factory;
    private final Listener listener;
    private final ScheduledExecutorService scheduler;
    /** Routing keys on the events exchange of the pending tasks: bound on every new connection. */
    private final Set<String> bindings = ConcurrentHashMap.newKeySet();
    /** Guards session and closed; held while bindings are restored so a new binding cannot slip between. */
    private final Object state = new Object();
    /** amqp-client channels must not be published on concurrently. */
    private final ReentrantLock publishLock = new ReentrantLock();
    private Session session;
    private boolean closed;
    private int attempt;

    BrokerLink(ConnectionFactory factory, Listener listener, ScheduledExecutorService scheduler) throws IOException {
        this.factory = factory.clone();
        // our own reconnect (see class comment); amqp-client's would fight it
        this.factory.setAutomaticRecoveryEnabled(false);
        this.factory.setTopologyRecoveryEnabled(false);
        this.listener = listener;
        this.scheduler = scheduler;
        Session s = open();
        synchronized (state) {
            session = s;
        }
    }

    /** The broker user of the connection: the {@code user_id} every request carries. */
    String user() {
        return factory.getUsername();
    }

    boolean connected() {
        synchronized (state) {
            return session != null;
        }
    }

    /**
     * Wants one task's events on the answer queue after every reconnect (on the current connection they come
     * to {@code reply_to}).
     */
    void want(String routingKey) {
        synchronized (state) {
            bindings.add(routingKey);
        }
    }

    void unbind(String routingKey) {
        bindings.remove(routingKey);
        Session s;
        synchronized (state) {
            s = session;
        }
        if (s != null && s.bound().remove(routingKey)) {
            try {
                s.consume().queueUnbind(s.queue(), Wire.EVENTS_EXCHANGE, routingKey);
            } catch (IOException | RuntimeException e) {
                log.debug("unbind {} failed (the queue goes with the connection anyway): {}", routingKey, e.toString());
            }
        }
    }

    /**
     * Publishes to the default exchange with {@code mandatory = true}. Waits (up to the deadline) while the
     * connection is down. {@code props} gets the current answer queue, which changes with every reconnect.
     */
    void publish(String queue, Function<String, AMQP.BasicProperties> props, byte[] body, long deadlineNanos)
            throws TimeoutException {
        while (true) {
            Session s = await(deadlineNanos);
            publishLock.lock();
            try {
                Channel ch = s.publish();
                if (ch.isOpen()) {
                    ch.basicPublish("", queue, true, props.apply(s.queue()), body);
                    return;
                }
            } catch (IOException | RuntimeException e) {
                log.debug("publish to {} failed, retrying on the next connection: {}", queue, e.toString());
            } finally {
                publishLock.unlock();
            }
            reopenPublishChannel(s);
            pause(); // not a busy loop while the connection is going down
        }
    }

    private Session await(long deadlineNanos) throws TimeoutException {
        synchronized (state) {
            while (session == null) {
                if (closed) {
                    throw new TaskRpcException(TaskRpcException.CLOSED, "the RpcManager is closed", null);
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("not connected to the broker");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(state, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TaskRpcException(TaskRpcException.CONNECTION, "interrupted", e);
                }
            }
            return session;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskRpcException(TaskRpcException.CONNECTION, "interrupted", e);
        }
    }

    /** A channel-level error (not a lost connection) closed the publish channel: open another one. */
    private void reopenPublishChannel(Session s) {
        synchronized (state) {
            if (session != s || !s.connection().isOpen()) {
                return; // a reconnect is under way and brings a new channel
            }
            try {
                session = new Session(s.connection(), s.consume(), publishChannel(s.connection()), s.queue(), s.bound());
            } catch (IOException e) {
                log.debug("cannot reopen the publish channel: {}", e.toString());
            }
        }
    }

    private Session open() throws IOException {
        Connection c;
        try {
            c = factory.newConnection("tasknode-rpc-client");
        } catch (TimeoutException e) {
            throw new IOException("connecting to the broker timed out", e);
        }
        try {
            Channel consume = c.createChannel();
            // callers may declare the events exchange (same arguments as the node); binding needs it to exist
            consume.exchangeDeclare(Wire.EVENTS_EXCHANGE, BuiltinExchangeType.TOPIC, true);
            String queue = consume.queueDeclare().getQueue(); // server-named, exclusive, auto-delete
            consume.basicConsume(queue, true, new DefaultConsumer(consume) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    try {
                        listener.delivered(props, body);
                    } catch (RuntimeException e) {
                        log.warn("cannot handle a message of type {}: {}", props.getType(), e.toString());
                    }
                }
            });
            Session s = new Session(c, consume, publishChannel(c), queue, ConcurrentHashMap.newKeySet());
            c.addShutdownListener(sig -> lost(s, sig));
            return s;
        } catch (IOException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private Channel publishChannel(Connection c) throws IOException {
        Channel ch = c.createChannel();
        ch.addReturnListener(r -> listener.returned(r.getRoutingKey(), r.getProperties()));
        return ch;
    }

    private void lost(Session s, ShutdownSignalException sig) {
        synchronized (state) {
            if (closed || session != s) {
                return;
            }
            session = null;
            attempt = 0;
        }
        log.warn("broker connection lost ({}); reconnecting", sig.getMessage());
        Thread.ofVirtual().name("tasknode-rpc-reconnect").start(this::reconnect);
    }

    private void reconnect() {
        Session s;
        try {
            s = open();
        } catch (IOException | RuntimeException e) {
            long delay;
            synchronized (state) {
                if (closed) {
                    return;
                }
                delay = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)];
            }
            log.debug("reconnect failed ({}); next try in {} ms", e.toString(), delay);
            retry(delay);
            return;
        }
        synchronized (state) {
            if (closed) {
                closeQuietly(s.connection());
                return;
            }
            try {
                for (String key : bindings) {
                    s.consume().queueBind(s.queue(), Wire.EVENTS_EXCHANGE, key);
                    s.bound().add(key);
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(s.connection());
                retry(BACKOFF_MS[0]);
                return;
            }
            if (!s.connection().isOpen()) { // died before its shutdown listener was in place
                retry(BACKOFF_MS[0]);
                return;
            }
            session = s;
            state.notifyAll();
        }
        log.info("broker connection re-established; answer queue {}", s.queue());
        try {
            listener.reconnected();
        } catch (RuntimeException e) {
            log.warn("after reconnect: {}", e.toString());
        }
    }

    /** The timer only waits; the attempt (network I/O, up to the connect timeout) runs on its own thread. */
    private void retry(long delayMs) {
        try {
            scheduler.schedule(() -> Thread.ofVirtual().name("tasknode-rpc-reconnect").start(this::reconnect),
                    delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("closed meanwhile: no more reconnects");
        }
    }

    /** For tests: the routing keys wanted after a reconnect (the pending tasks). */
    Set<String> bindings() {
        return Set.copyOf(bindings);
    }

    /** For tests: the routing keys the current answer queue is bound with. */
    Set<String> bound() {
        synchronized (state) {
            return session == null ? Set.of() : Set.copyOf(session.bound());
        }
    }

    /** For tests: the current answer queue (null while disconnected). */
    String queue() {
        synchronized (state) {
            return session == null ? null : session.queue();
        }
    }

    @Override
    public void close() {
        Session s;
        synchronized (state) {
            closed = true;
            s = session;
            session = null;
            state.notifyAll();
        }
        if (s != null) {
            closeQuietly(s.connection());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close(2000);
        } catch (IOException | RuntimeException e) {
            log.debug("close: {}", e.toString());
        }
    }
}
