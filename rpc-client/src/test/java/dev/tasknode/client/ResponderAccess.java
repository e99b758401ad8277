package dev.tasknode.client;

/** Lets tests in other packages (the CLI's) start the package-private {@link ProtocolResponder}. */
public final class ResponderAccess {
    private ResponderAccess() {}

    public static AutoCloseable start(String node) throws Exception {
        return new ProtocolResponder(node);
    }
}
