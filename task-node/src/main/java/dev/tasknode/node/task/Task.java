package dev.tasknode.node.task;

import dev.tasknode.contracts.tasks.TaskSpec;

/**
 * One task a node can run. An implementation is a Spring bean; the node registers every bean of this type
 * under {@code spec().name()}. Parameters arrive already parsed against {@link #spec()} (contracts'
 * {@code TaskSpec.parse}, never parsed again here).
 */
public interface Task {
    /** Name, description, whether it mutates data, parameters: normally a constant of {@code TaskCatalog}. */
    TaskSpec spec();

    /**
     * Runs the task. Log through {@link TaskContext#log()}, report progress, check
     * {@link TaskContext#checkCancelled()} between units of work. Return an outcome (its result is serialized
     * with the wire's JSON mapping: snake_case record components); an exception fails the task with its
     * message.
     */
    TaskOutcome run(TaskContext ctx) throws Exception;
}
