package dev.tasknode.client;

/**
 * No answer (accepted / rejected, control reply) or no result within the call's timeout. A task that was
 * accepted keeps running on the node: its result can still be fetched with {@link RpcManager#result}.
 */
public class TaskTimeoutException extends TaskRpcException {
    public TaskTimeoutException(String message) {
        super(TIMEOUT, message, null);
    }
}
