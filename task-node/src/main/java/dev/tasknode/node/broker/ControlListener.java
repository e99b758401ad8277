package dev.tasknode.node.broker;

import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.RequestException;
import dev.tasknode.contracts.Requests;
import dev.tasknode.contracts.Text;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.tasks.TaskNames.Control;
import dev.tasknode.contracts.messages.TaskSummary;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.run.TaskRegistry;
import dev.tasknode.node.run.TaskRunner;
import dev.tasknode.node.store.TaskRow;
import dev.tasknode.node.store.TaskStore;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.stereotype.Component;

/**
 * The receiving side for control calls on {@code <node>.control}. Every replica answers from the shared
 * store, so status, result and logs outlive the caller and the node that ran the task. Cancel is recorded in
 * the store; the replica running the task sees the flag within a second (or at once if it is this one).
 */
@Component
public class ControlListener implements ChannelAwareMessageListener {
    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

    private final TaskStore store;
    private final TaskRunner runner;
    private final TaskRegistry registry;
    private final Publisher publisher;
    private final Authorization auth;
    private final String node;
    private final DeadLetters deadLetters;

    public ControlListener(TaskStore store, TaskRunner runner, TaskRegistry registry, Publisher publisher,
                           Authorization auth, NodeProperties props, DeadLetters deadLetters) {
        this.store = store;
        this.runner = runner;
        this.registry = registry;
        this.publisher = publisher;
        this.auth = auth;
        this.node = props.getNodeName();
        this.deadLetters = deadLetters;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException {
        var p = message.getMessageProperties();
        if (!DeadLetters.hasReplyTo(p)) {
            // acknowledged by the container after this returns, on the same channel as the record
            deadLetters.record(channel, message, DeadLetters.NO_REPLY_TO,
                    "the control call has no reply_to property, so it could not be answered; nothing was done");
            return;
        }
        ControlReply reply;
        try {
            reply = answer(Requests.control(message.getBody()), p.getReceivedUserId());
        } catch (RequestException e) {
            reply = ControlReply.error(null, e.toError());
        } catch (RuntimeException e) {
            log.warn("control call failed: {}", e.toString());
            reply = ControlReply.error(null, TaskError.of(ErrorCode.INTERNAL, "the node could not answer: "
                    + Text.clip(String.valueOf(e.getMessage()))));
        }
        publisher.reply(p.getReplyTo(), p.getCorrelationId(), Wire.TYPE_CONTROL_REPLY, reply);
    }

    ControlReply answer(ControlRequest req, String user) {
        String op = req.op() == null ? "" : req.op();
        if (user == null || user.isBlank()) {
            return ControlReply.error(op, TaskError.of(ErrorCode.UNAUTHORIZED, "the request has no user_id property"));
        }
        switch (op) {
            case Control.LIST -> {
                int limit = clamp(req.limit(), 50, 1000);
                return ControlReply.tasks(store.recent(node, limit).stream().map(TaskRow::toSummary).toList());
            }
            case Control.TASKS -> {
                return ControlReply.specs(registry.specs());
            }
            case Control.STATUS, Control.RESULT, Control.LOGS, Control.CANCEL -> {
                if (req.taskId() == null) {
                    return ControlReply.error(op, TaskError.of(ErrorCode.BAD_REQUEST, op + " needs task_id"));
                }
                Optional<TaskRow> row = store.find(req.taskId());
                if (row.isEmpty()) {
                    return ControlReply.error(op, TaskError.of(ErrorCode.NOT_FOUND, "no task " + req.taskId()));
                }
                return taskOp(op, row.get(), req, user);
            }
            default -> {
                return ControlReply.error(null, TaskError.of(ErrorCode.BAD_REQUEST, "unknown op " + Text.quote(op)
                        + "; accepted: " + String.join(", ", Control.ALL)));
            }
        }
    }

    private ControlReply taskOp(String op, TaskRow row, ControlRequest req, String user) {
        TaskSummary summary = row.toSummary();
        return switch (op) {
            case Control.STATUS -> ControlReply.task(op, summary, null);
            case Control.RESULT -> ControlReply.task(op, summary, row.status().terminal() ? row.toResult() : null);
            case Control.LOGS -> {
                long from = req.fromSeq() == null ? 1 : Math.max(1, req.fromSeq());
                List<TaskEvent> events = store.events(row.taskId(), from, clamp(req.limit(), 1000, 10_000));
                yield ControlReply.events(summary, events);
            }
            default -> cancel(row, user);
        };
    }

    private ControlReply cancel(TaskRow row, String user) {
        String denied = auth.checkCancel(user, row.requestedBy());
        if (denied != null) {
            return ControlReply.error(Control.CANCEL, TaskError.of(ErrorCode.UNAUTHORIZED, denied));
        }
        if (row.status().terminal()) {
            return ControlReply.error(Control.CANCEL, TaskError.of(ErrorCode.CONFLICT,
                    "task " + row.taskId() + " already ended: " + row.status().wire()));
        }
        store.requestCancel(row.taskId());
        runner.cancelLocal(row.taskId());
        return ControlReply.task(Control.CANCEL, store.find(row.taskId()).orElse(row).toSummary(), null);
    }

    private static int clamp(Integer v, int dflt, int max) {
        return v == null || v <= 0 ? dflt : Math.min(v, max);
    }
}
