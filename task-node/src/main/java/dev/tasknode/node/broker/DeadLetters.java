package dev.tasknode.node.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.tasknode.contracts.Text;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.run.NodeMetrics;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.stereotype.Component;

/**
 * Where a request goes that cannot be answered (no reply_to) or that failed processing again and again:
 * a copy on the dead-letter exchange {@code <node>.dead} (bound to the queue of the same name) with the reason
 * in headers, logged once and counted in {@code tasknode_requests_dead_lettered_total{reason}}. The copy is
 * published on the delivery's own channel before the delivery is acknowledged there, so the broker handles
 * the two in that order: the request is never lost between them (at worst recorded twice after a crash).
 * The broker's delivery limit on the node's queues ({@link BrokerTopology}) dead-letters, with reason
 * {@code delivery_limit}, what this node never gets to handle (a process that dies on a message).
 */
@Component
public class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    public static final String NO_REPLY_TO = "no_reply_to";
    public static final String FAILED = "failed";
    public static final String HEADER_REASON = "x-tasknode-dead-reason";
    public static final String HEADER_DETAIL = "x-tasknode-dead-detail";
    public static final String HEADER_USER = "x-tasknode-original-user-id";
    public static final String HEADER_QUEUE = "x-tasknode-original-queue";
    public static final String HEADER_AT = "x-tasknode-dead-at";
    private static final int DETAIL_MAX = 2000;

    private final DefaultMessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();
    private final NodeMetrics metrics;
    private final String exchange;

    public DeadLetters(NodeMetrics metrics, NodeProperties props) {
        this.metrics = metrics;
        this.exchange = exchange(props.getNodeName());
    }

    public static String exchange(String node) {
        return node + ".dead";
    }

    /** Publishes the record on {@code channel}; the caller acknowledges the delivery on the same channel afterwards. */
    public void record(Channel channel, Message message, String reason, String detail) throws IOException {
        MessageProperties p = message.getMessageProperties();
        Map<String, Object> headers = new HashMap<>(p.getHeaders());
        headers.put(HEADER_REASON, reason);
        headers.put(HEADER_DETAIL, detail.length() > DETAIL_MAX ? detail.substring(0, DETAIL_MAX) + "…" : detail);
        headers.put(HEADER_AT, Instant.now().toString());
        headers.put(HEADER_QUEUE, p.getConsumerQueue() == null ? "" : p.getConsumerQueue());
        if (p.getReceivedUserId() != null) {
            // user_id itself cannot be sent on: the broker checks it against this node's own user
            headers.put(HEADER_USER, p.getReceivedUserId());
        }
        AMQP.BasicProperties props = converter.fromMessageProperties(p, "UTF-8").builder()
                // kept until an operator looks: no per-message TTL (the request's expiration would drop the record)
                .userId(null).expiration(null).headers(headers).deliveryMode(2).build();
        channel.basicPublish(exchange, p.getConsumerQueue() == null ? "" : p.getConsumerQueue(), props, message.getBody());
        metrics.deadLettered(reason);
        log.warn("dead-lettered a request to '{}' ({}): {}; type {}, correlation id {}, user {}", exchange, reason,
                Text.clip(detail), p.getType(), Text.clip(p.getCorrelationId()), p.getReceivedUserId());
    }

    static boolean hasReplyTo(MessageProperties p) {
        return p.getReplyTo() != null && !p.getReplyTo().isBlank();
    }
}
