package dev.tasknode.node.web;

import com.rabbitmq.client.Connection;
import dev.tasknode.client.RpcCall;
import dev.tasknode.client.RpcManager;
import dev.tasknode.node.config.NodeProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The Admin page's way to the node: the Java client over RabbitMQ, exactly like any other caller, so the page
 * works with several replicas (whichever takes the request runs it). Connects with the node's own broker
 * settings ({@code spring.rabbitmq.*}), lazily: the node starts even while the broker is away.
 */
@Component
class AdminRpc implements DisposableBean {
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);
    private final ConnectionFactory springFactory;
    private final AdminProperties props;
    private final String node;
    private RpcManager rpc;
    private Connection events;

    AdminRpc(ConnectionFactory springFactory, AdminProperties props, NodeProperties nodeProps) {
        this.springFactory = springFactory;
        this.props = props;
        this.node = props.targetNode(nodeProps);
    }

    /** The node (request queue) the page calls. */
    String node() {
        return node;
    }

    /** A call made on behalf of the signed-in person, who then shows as the run's requester. */
    RpcCall call(String webUser) {
        return manager().timeout(props.getRpcTimeout()).onBehalfOf(webUser);
    }

    /**
     * For control calls (status, logs, list, …): any replica answers them from the shared store at once, so a
     * short wait is enough and a page never hangs long on a node that is down.
     */
    RpcCall control() {
        return manager().timeout(CONTROL_TIMEOUT);
    }

    /** A connection of its own for following task events (one channel per open log pane). */
    synchronized Connection eventsConnection() throws IOException, TimeoutException {
        if (events == null || !events.isOpen()) {
            events = rabbitFactory().newConnection("tasknode-admin-events");
        }
        return events;
    }

    private synchronized RpcManager manager() {
        if (rpc == null) {
            rpc = RpcManager.connect(rabbitFactory());
        }
        return rpc;
    }

    private com.rabbitmq.client.ConnectionFactory rabbitFactory() {
        if (springFactory instanceof AbstractConnectionFactory f) {
            return f.getRabbitConnectionFactory();
        }
        throw new IllegalStateException("admin page needs Spring AMQP's caching connection factory, got "
                + springFactory.getClass().getName());
    }

    private static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a broken connection: nothing left to do
            }
        }
    }

    @Override
    public synchronized void destroy() {
        closeQuietly(rpc);
        rpc = null;
        closeQuietly(events);
        events = null;
    }
}
