package dev.tasknode.client;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Waiting on a future the way every blocking call of the client does: our exception types, interrupt kept. */
final class Await {
    private Await() {
    }

    /**
     * @param timeoutMessage the {@link TaskTimeoutException}'s message, built only when the wait times out
     * @param what           what is awaited, for the message when interrupted
     */
    static <T> T get(Future<T> future, long nanos, Supplier<String> timeoutMessage, String what) {
        try {
            return future.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TaskTimeoutException(timeoutMessage.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TaskRpcException t) {
                throw t;
            }
            throw new TaskRpcException(TaskRpcException.PROTOCOL, String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskRpcException(TaskRpcException.CONNECTION, "interrupted while waiting for " + what, e);
        }
    }
}
