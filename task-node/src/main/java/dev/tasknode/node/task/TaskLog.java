package dev.tasknode.node.task;

/** A task's log: every line is stored with the run and streamed to callers in order. */
public interface TaskLog {
    void info(String message);

    void warn(String message);

    void error(String message);

    default void info(String format, Object... args) {
        info(String.format(format, args));
    }

    default void warn(String format, Object... args) {
        warn(String.format(format, args));
    }

    default void error(String format, Object... args) {
        error(String.format(format, args));
    }
}
