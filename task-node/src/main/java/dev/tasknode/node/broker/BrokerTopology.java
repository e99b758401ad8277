package dev.tasknode.node.broker;

import dev.tasknode.contracts.Wire;
import dev.tasknode.node.config.NodeProperties;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the node declares on the broker (RabbitAdmin declares these beans on every connection, so they come
 * back after a broker restart): the request queue named after the node, its control queue, the events
 * exchange, and the dead-letter exchange and queue {@code <node>.dead}. Quorum queues are replicated and survive
 * a broker node's loss; set tasknode.queue-type=classic for a broker without them.
 *
 * <p>Both of the node's queues dead-letter into {@code <node>.dead}; quorum queues also carry a delivery limit, so
 * a message that is returned again and again (a process dying on it each time) ends there instead of circling
 * forever. The node itself dead-letters what it cannot answer, with its reason ({@link DeadLetters}).
 */
@Configuration(proxyBeanMethods = false)
public class BrokerTopology {
    /**
     * Deliveries of one message before the broker dead-letters it. Above the node's own limit (3 failed attempts
     * per delivery) and the returns of a wait for a free worker (at most {@code RequestListener.MAX_WAIT_RETURNS}).
     */
    public static final int DELIVERY_LIMIT = 20;

    /**
     * Spring Boot's admin, except that a queue the broker already has with other arguments (one declared by a
     * node before issue 11, without dead-letter exchange and delivery limit) is logged, not fatal: the node keeps
     * serving from it. docs/protocol.md §6 says how to move such a queue over.
     */
    @Bean
    RabbitAdmin amqpAdmin(ConnectionFactory cf) {
        RabbitAdmin admin = new RabbitAdmin(cf);
        admin.setIgnoreDeclarationExceptions(true);
        return admin;
    }

    @Bean
    Declarables tasknodeTopology(NodeProperties props) {
        if (!props.isQueueDeadLettering()) {
            org.slf4j.LoggerFactory.getLogger(BrokerTopology.class).warn("tasknode.queue-dead-lettering=false: the"
                    + " node's queues carry no dead-letter exchange; what the broker gives up on is dropped, not kept"
                    + " in {}", DeadLetters.exchange(props.getNodeName()));
        }
        return topology(props);
    }

    /** The declarations (deploy/rabbitmq/definitions.json must declare the same queues with the same arguments). */
    public static Declarables topology(NodeProperties props) {
        String node = props.getNodeName();
        FanoutExchange dead = ExchangeBuilder.fanoutExchange(DeadLetters.exchange(node)).durable(true).build();
        Queue deadQueue = builder(DeadLetters.exchange(node), props).build();
        return new Declarables(
                queue(node, props),
                queue(Wire.controlQueue(node), props),
                ExchangeBuilder.topicExchange(Wire.EVENTS_EXCHANGE).durable(true).build(),
                dead, deadQueue, BindingBuilder.bind(deadQueue).to(dead));
    }

    private static Queue queue(String name, NodeProperties props) {
        QueueBuilder b = builder(name, props);
        if (props.isQueueDeadLettering()) {
            b = b.deadLetterExchange(DeadLetters.exchange(props.getNodeName()));
        }
        return quorum(props) ? b.deliveryLimit(DELIVERY_LIMIT).build() : b.build();
    }

    private static QueueBuilder builder(String name, NodeProperties props) {
        QueueBuilder b = QueueBuilder.durable(name);
        return quorum(props) ? b.quorum() : b;
    }

    private static boolean quorum(NodeProperties props) {
        return !"classic".equalsIgnoreCase(props.getQueueType());
    }
}
