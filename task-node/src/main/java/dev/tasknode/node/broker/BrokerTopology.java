package dev.tasknode.node.broker;

import dev.tasknode.contracts.Wire;
import dev.tasknode.node.config.NodeProperties;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the node declares on the broker (RabbitAdmin declares these beans on every connection, so they come
 * back after a broker restart): the request queue named after the node, its control queue, the events
 * exchange. Quorum queues are replicated and survive a broker node's loss; set tasknode.queue-type=classic
 * for a broker without them.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerTopology {

    @Bean
    Declarables tasknodeTopology(NodeProperties props) {
        return new Declarables(
                queue(props.getNodeName(), props),
                queue(Wire.controlQueue(props.getNodeName()), props),
                ExchangeBuilder.topicExchange(Wire.EVENTS_EXCHANGE).durable(true).build());
    }

    private static Queue queue(String name, NodeProperties props) {
        QueueBuilder b = QueueBuilder.durable(name);
        return "classic".equalsIgnoreCase(props.getQueueType()) ? b.build() : b.quorum().build();
    }
}
