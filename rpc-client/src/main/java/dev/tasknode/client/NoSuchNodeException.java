package dev.tasknode.client;

/** The broker returned the request as unroutable: no queue of that name exists, so that node never ran here. */
public class NoSuchNodeException extends TaskRpcException {
    private final String node;

    public NoSuchNodeException(String node, String queue) {
        super(NO_SUCH_NODE, "no node '" + node + "': the broker has no queue '" + queue + "'", null);
        this.node = node;
    }

    public String node() {
        return node;
    }
}
