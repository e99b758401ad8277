package dev.tasknode.node.run;

import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.task.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Every {@link Task} bean of the application, by name. */
@Component
public class TaskRegistry {
    private final Map<String, Task> tasks = new LinkedHashMap<>();

    public TaskRegistry(List<Task> beans) {
        for (Task t : beans) {
            Task previous = tasks.put(t.spec().name(), t);
            if (previous != null) {
                throw new IllegalStateException("two tasks named " + t.spec().name() + ": "
                        + previous.getClass().getName() + " and " + t.getClass().getName());
            }
        }
    }

    public Optional<Task> find(String name) {
        return Optional.ofNullable(name == null ? null : tasks.get(name));
    }

    public List<TaskSpec> specs() {
        return tasks.values().stream().map(Task::spec).toList();
    }
}
