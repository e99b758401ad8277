package dev.tasknode.client;

import dev.tasknode.contracts.Wire;

import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.contracts.messages.TaskSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a call (timeout, on whose behalf) on an {@link RpcManager}. Immutable: {@link #timeout} and
 * {@link #onBehalfOf} return new instances, so one can be shared between threads and reused.
 */
public final class RpcCall {
    /** Optional header of a request: the person a service acts for (display only). */

    private final RpcManager rpc;
    private final Duration timeout;
    private final String onBehalfOf;

    RpcCall(RpcManager rpc, Duration timeout, String onBehalfOf) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.rpc = rpc;
        this.timeout = timeout;
        this.onBehalfOf = onBehalfOf;
    }

    /** How long to wait for the answer, and for a task's result ({@link TaskHandle#join()}), from the start. */
    public RpcCall timeout(Duration timeout) {
        return new RpcCall(rpc, Objects.requireNonNull(timeout), onBehalfOf);
    }

    public RpcCall timeout(int seconds) {
        return timeout(Duration.ofSeconds(seconds));
    }

    /**
     * The person a service acts for (header {@code x-on-behalf-of}), e.g. the Admin page's web user. The node
     * records it ({@code requested_by = "<person> (via <user>)"}) only when the broker user is one it trusts;
     * authorization is always by the connection's broker user.
     */
    public RpcCall onBehalfOf(String person) {
        return new RpcCall(rpc, timeout, person == null || person.isBlank() ? null : person);
    }

    public Duration timeout() {
        return timeout;
    }

    public String onBehalfOf() {
        return onBehalfOf;
    }

    /**
     * Starts a task with a new random task id. Parameters of a task the contracts know are checked here first
     * ({@link dev.tasknode.contracts.tasks.ParamException}, nothing sent); unknown task names are left to the node.
     *
     * @throws TaskRejectedException the node refused (unknown_task, invalid_params, unauthorized, expired, …)
     * @throws TaskTimeoutException  no answer within the timeout
     * @throws NoSuchNodeException   no queue of that node exists on the broker
     */
    public TaskHandle taskStart(String node, String task, Map<String, ?> params) {
        return rpc.start(this, node, task, params, null);
    }

    /** Same with the caller's task id (the idempotency key: the same id sent again does not run again). */
    public TaskHandle taskStart(String node, String task, Map<String, ?> params, String taskId) {
        return rpc.start(this, node, task, params, taskId);
    }

    public TaskSummary status(String node, String taskId) {
        return control(node, ControlRequest.of(TaskNames.Control.STATUS, taskId)).task();
    }

    /** The result once the task finished; empty while it runs. */
    public Optional<TaskResult> result(String node, String taskId) {
        return Optional.ofNullable(control(node, ControlRequest.of(TaskNames.Control.RESULT, taskId)).result());
    }

    /** Log and progress events with {@code seq >= fromSeq}, in order, at most {@code limit}. */
    public List<TaskEvent> logs(String node, String taskId, long fromSeq, int limit) {
        List<TaskEvent> events = control(node, ControlRequest.logs(taskId, fromSeq, limit)).events();
        return events == null ? List.of() : events;
    }

    public TaskSummary cancel(String node, String taskId) {
        return control(node, ControlRequest.of(TaskNames.Control.CANCEL, taskId)).task();
    }

    /** Recent tasks of the node, newest first. */
    public List<TaskSummary> list(String node, int limit) {
        List<TaskSummary> tasks = control(node, ControlRequest.list(limit)).tasks();
        return tasks == null ? List.of() : tasks;
    }

    /** The tasks the node registered, with their parameters. */
    public List<TaskSpec> tasks(String node) {
        List<TaskSpec> specs = control(node, ControlRequest.of(TaskNames.Control.TASKS, null)).specs();
        return specs == null ? List.of() : specs;
    }

    /** Any control call; an answer with {@code ok = false} is thrown as {@link TaskRpcException} with its code. */
    public ControlReply control(String node, ControlRequest request) {
        return rpc.control(this, node, request);
    }
}
