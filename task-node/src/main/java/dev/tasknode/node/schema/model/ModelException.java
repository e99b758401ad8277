package dev.tasknode.node.schema.model;

/** A model file that cannot be used: the message names the file and line. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
