package dev.tasknode.node.broker;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.messages.ProgressEvent;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.config.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Map;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * The sending side: replies to a caller's {@code reply_to} and task events on the events exchange. Sending
 * never fails a task: events are also in the store, so a caller who missed one fetches it with {@code logs}.
 */
@Component
public class Publisher {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private static final Map<String, Object> VERSION_HEADER = Map.of(Wire.HEADER_VERSION, Wire.VERSION);

    private final ConnectionFactory connections;
    private final String node;
    /** Guarded by this. */
    private Channel channel;

    public Publisher(ConnectionFactory connections, NodeProperties props) {
        this.connections = connections;
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

    /**
     * Everything goes out on one channel, in call order. The broker keeps order per channel only, and a
     * RabbitTemplate takes a different cached channel for each send: a task's log line and the progress event right
     * after it could arrive the other way round. Publishing is cheap next to everything else a send does.
     */
    private synchronized void send(String exchange, String routingKey, String correlationId, String type, Object body,
                                   MessageDeliveryMode mode) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(Wire.CONTENT_TYPE)
                .contentEncoding("utf-8")
                .type(type)
                .correlationId(correlationId)
                .deliveryMode(mode == MessageDeliveryMode.PERSISTENT ? 2 : 1)
                .headers(VERSION_HEADER)
                .build();
        byte[] bytes = Json.write(body);
        try {
            if (channel == null || !channel.isOpen()) {
                // the connection factory re-establishes a lost connection; this channel is then made anew
                channel = connections.createConnection().createChannel(false);
            }
            channel.basicPublish(exchange, routingKey, props, bytes);
        } catch (IllegalArgumentException ex) {
            // a value AMQP cannot carry (a short string over 255 bytes): nothing was sent, the channel is fine
            log.warn("could not publish {} for {} to '{}' '{}': {}", type, correlationId, exchange, routingKey, ex.toString());
        } catch (IOException | AmqpException | ShutdownSignalException ex) {
            channel = null; // made anew for the next send
            log.warn("could not publish {} for {} to '{}' '{}': {}", type, correlationId, exchange, routingKey, ex.toString());
        }
    }
}
