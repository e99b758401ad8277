package dev.tasknode.node.support;

import dev.tasknode.contracts.tasks.ParamDef;
import dev.tasknode.contracts.tasks.ParamType;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Tasks that exist only in tests: one that changes "data" (for authorization), one that counts its runs. */
@TestConfiguration(proxyBeanMethods = false)
public class TestTasks {
    public static final AtomicInteger COUNTED = new AtomicInteger();

    public static final TaskSpec MUTATE = new TaskSpec("test_mutate", "test: pretends to change data", true, null,
            "no parameter", List.of());
    public static final TaskSpec COUNT = new TaskSpec("test_count", "test: counts its runs, sleeps ms", false, "ms",
            "milliseconds", List.of(ParamDef.integer("ms", 0L, 0, 60_000, "how long to run")));
    public static final TaskSpec PARTIAL = new TaskSpec("test_partial", "test: ends partial", false, null,
            "no parameter", List.of());

    @Bean
    Task testMutate() {
        return new Task() {
            public TaskSpec spec() {
                return MUTATE;
            }

            public TaskOutcome run(TaskContext ctx) {
                return TaskOutcome.ok("mutated", Map.of());
            }
        };
    }

    @Bean
    Task testCount() {
        return new Task() {
            public TaskSpec spec() {
                return COUNT;
            }

            public TaskOutcome run(TaskContext ctx) throws InterruptedException {
                int n = COUNTED.incrementAndGet();
                Thread.sleep(ctx.params().number("ms"));
                return TaskOutcome.ok("run " + n, Map.of("run", n));
            }
        };
    }

    @Bean
    Task testPartial() {
        return new Task() {
            public TaskSpec spec() {
                return PARTIAL;
            }

            public TaskOutcome run(TaskContext ctx) {
                ctx.log().error("schema p_2 failed");
                return TaskOutcome.partial("1 of 2 schemas failed", Map.of("failed", List.of("p_2")));
            }
        };
    }

    @Bean
    Task testMutateParams() {
        return new Task() {
            public TaskSpec spec() {
                return new TaskSpec("test_scope", "test: echoes its scope", false, "scope", "scope",
                        List.of(ParamDef.optional("scope", ParamType.SCOPE, "", "scope")));
            }

            public TaskOutcome run(TaskContext ctx) {
                return TaskOutcome.ok(ctx.params().scope().toString(), Map.of("scope", ctx.params().scope().toString()));
            }
        };
    }
}
