package dev.tasknode.node.broker;

import dev.tasknode.contracts.ControlReply;
import dev.tasknode.contracts.ControlRequest;
import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.TaskError;
import dev.tasknode.contracts.TaskEvent;
import dev.tasknode.contracts.TaskNames.Control;
import dev.tasknode.contracts.TaskSummary;
import dev.tasknode.contracts.Wire;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.run.TaskRegistry;
import dev.tasknode.node.run.TaskRunner;
import dev.tasknode.node.store.TaskRow;
import dev.tasknode.node.store.TaskStore;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageListener;
import org.springframework.stereotype.Component;

/**
 * The receiving side for control calls on {@code <node>.control}. Every replica answers from the shared
 * store, so status, result and logs outlive the caller and the node that ran the task. Cancel is recorded in
 * the store; the replica running the task sees the flag within a second (or at once if it is this one).
 */
@Component
public class ControlListener implements MessageListener {
    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

    private final TaskStore store;
    private final TaskRunner runner;
    private final TaskRegistry registry;
    private final Publisher publisher;
    private final Authorization auth;
    private final String node;

    public ControlListener(TaskStore store, TaskRunner runner, TaskRegistry registry, Publisher publisher,
                           Authorization auth, NodeProperties props) {
        this.store = store;
        this.runner = runner;
        this.registry = registry;
        this.publisher = publisher;
        this.auth = auth;
        this.node = props.getNodeName();
    }

    @Override
    public void onMessage(Message message) {
        var p = message.getMessageProperties();
        ControlReply reply;
        try {
            ControlRequest req = Json.read(message.getBody(), ControlRequest.class);
            reply = answer(req, p.getReceivedUserId());
        } catch (RuntimeException e) {
            log.warn("control call failed: {}", e.toString());
            boolean malformed = e instanceof tools.jackson.core.JacksonException;
            reply = ControlReply.error(null, TaskError.of(malformed ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL,
                    malformed ? "the body is not a control request: " + e.getMessage() : e.toString()));
        }
        publisher.reply(p.getReplyTo(), p.getCorrelationId(), Wire.TYPE_CONTROL_REPLY, reply);
    }

    ControlReply answer(ControlRequest req, String user) {
        String op = req.op() == null ? "" : req.op();
        if (req.v() > Wire.VERSION) {
            return ControlReply.error(op, TaskError.of(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + req.v()
                    + " is newer than this node's " + Wire.VERSION));
        }
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
                return ControlReply.error(op, TaskError.of(ErrorCode.BAD_REQUEST, "unknown op '" + op + "'; accepted: "
                        + String.join(", ", Control.ALL)));
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
