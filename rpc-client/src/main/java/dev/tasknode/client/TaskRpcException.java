package dev.tasknode.client;

import dev.tasknode.contracts.messages.TaskError;
import java.util.Map;

/**
 * Base of every error the client throws for a call (bad parameters excepted: those are the contracts'
 * {@link dev.tasknode.contracts.tasks.ParamException}, thrown before anything is sent). {@link #code()} is the node's
 * stable error code ({@code not_found}, {@code unauthorized}, …) or one of the client's own codes below.
 */
public class TaskRpcException extends RuntimeException {
    /** The call got no answer in time. */
    public static final String TIMEOUT = "timeout";
    /** The broker returned the message: no queue of that node exists. */
    public static final String NO_SUCH_NODE = "no_such_node";
    /** The broker cannot be reached (and did not come back within the call's timeout). */
    public static final String CONNECTION = "connection";
    /** The RpcManager was closed while the call was waiting. */
    public static final String CLOSED = "closed";
    /** The node sent something this client cannot read. */
    public static final String PROTOCOL = "protocol";

    private final TaskError error;

    public TaskRpcException(TaskError error) {
        this(error, null);
    }

    public TaskRpcException(TaskError error, Throwable cause) {
        super(error.code() + ": " + error.message(), cause);
        this.error = error;
    }

    public TaskRpcException(String code, String message, Throwable cause) {
        this(new TaskError(code, message, Map.of()), cause);
    }

    public String code() {
        return error.code();
    }

    public TaskError error() {
        return error;
    }
}
