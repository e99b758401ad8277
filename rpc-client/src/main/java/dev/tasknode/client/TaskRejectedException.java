package dev.tasknode.client;

import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskReply;

/** The node refused to start the task ({@code unknown_task}, {@code invalid_params}, {@code unauthorized}, {@code expired}, …); nothing runs. */
public class TaskRejectedException extends TaskRpcException {
    private final transient TaskReply reply;

    public TaskRejectedException(TaskReply reply) {
        super(reply.error() != null ? reply.error() : TaskError.of("rejected", "rejected without an error"));
        this.reply = reply;
    }

    /** The node's {@code rejected} answer as received. */
    public TaskReply reply() {
        return reply;
    }
}
