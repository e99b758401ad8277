package dev.tasknode.node.broker;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.LogLine;
import dev.tasknode.contracts.ProgressEvent;
import dev.tasknode.contracts.TaskEvent;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.config.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * The sending side: replies to a caller's {@code reply_to} and task events on the events exchange. Sending
 * never fails a task: events are also in the store, so a caller who missed one fetches it with {@code logs}.
 */
@Component
public class Publisher {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final RabbitTemplate template;
    private final String node;

    public Publisher(RabbitTemplate template, NodeProperties props) {
        this.template = template;
        this.node = props.getNodeName();
    }

    /** Sends {@code body} to a reply queue through the default exchange. */
    public void reply(String replyTo, String correlationId, String type, Object body) {
        if (replyTo == null || replyTo.isBlank()) {
            return;
        }
        send("", replyTo, correlationId, type, body, MessageDeliveryMode.NON_PERSISTENT);
    }

    public void event(TaskEvent e) {
        send(Wire.EVENTS_EXCHANGE, Wire.eventKey(node, e.taskId(), e.type()), e.taskId(), type(e), e,
                MessageDeliveryMode.NON_PERSISTENT);
    }

    /** Sends an event to one caller's reply queue (it asked with {@code x-events-to-reply-to}). */
    public void eventTo(String replyTo, TaskEvent e) {
        reply(replyTo, e.taskId(), type(e), e);
    }

    private static String type(TaskEvent e) {
        return switch (e) {
            case LogLine l -> Wire.TYPE_LOG;
            case ProgressEvent p -> Wire.TYPE_PROGRESS;
            default -> Wire.TYPE_RESULT;
        };
    }

    private void send(String exchange, String routingKey, String correlationId, String type, Object body,
                      MessageDeliveryMode mode) {
        MessageProperties p = new MessageProperties();
        p.setContentType(Wire.CONTENT_TYPE);
        p.setContentEncoding("utf-8");
        p.setType(type);
        p.setCorrelationId(correlationId);
        p.setDeliveryMode(mode);
        p.setHeader(Wire.HEADER_VERSION, Wire.VERSION);
        try {
            template.send(exchange, routingKey, new Message(Json.write(body), p));
        } catch (AmqpException | IllegalArgumentException ex) {
            // IllegalArgumentException: a value AMQP cannot carry (a short string over 255 bytes)
            log.warn("could not publish {} for {} to '{}' '{}': {}", type, correlationId, exchange, routingKey, ex.toString());
        }
    }
}
