package dev.tasknode.client.cli;

import dev.tasknode.client.NoSuchNodeException;
import dev.tasknode.client.RpcCall;
import dev.tasknode.client.RpcManager;
import dev.tasknode.client.TaskHandle;
import dev.tasknode.client.TaskRejectedException;
import dev.tasknode.client.TaskRpcException;
import dev.tasknode.client.TaskTimeoutException;
import dev.tasknode.contracts.messages.ControlReply;
import dev.tasknode.contracts.messages.ControlRequest;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code java -jar tasknode-cli.jar <command> …}: start and follow tasks, query and cancel them. See {@link #HELP}. */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int REJECTED = 3;
    public static final int PARTIAL = 4;
    public static final int TIMEOUT = 5;
    public static final int CONNECTION = 6;
    public static final int NO_SUCH_NODE = 7;
    public static final int NOT_FINISHED = 8;
    public static final int INTERNAL = 70;

    static final int START_TIMEOUT_S = 120;
    static final int CONTROL_TIMEOUT_S = 30;

    static final String HELP = """
            usage: tasknode [--uri URI] [--node NODE] [--json] [--timeout S] <command> [args]

            commands:
              start <task> [param] [--param name=value ...] [--no-follow]
                                 start a task, print its log lines as they happen and its result
                                 (--no-follow: print the task id once accepted and exit)
              status <task-id>   the task's recorded state
              result <task-id>   the task's result (exit code as for start; 8 while it runs)
              logs <task-id> [--from N] [--limit N]
                                 its log lines and progress from sequence number N
              cancel <task-id>   ask the node to stop the task
              list [--limit N]   recent tasks, newest first (default 50)
              tasks              the tasks the node offers and their parameters

            options:
              --uri URI          broker, default $TASKNODE_AMQP_URI, else amqp://guest:guest@127.0.0.1:5672
              --node NODE        node name, default $TASKNODE_NODE, else admin.task_node
              --json             machine output: wire JSON documents, one per line
              --timeout S        seconds to wait (start: for the result, default 120; others: default 30)
              -h, --help         this text

            param: the task's single parameter as in the prototype ("" = all, "shared", a project id,
            a backup id YYYYMMDD_HHMMSS[:schema] for restore_database). Parameters are checked before
            anything is sent; 'tasks' lists what each task accepts.

            exit codes:
              0  the task succeeded / the call succeeded
              1  the task failed, was cancelled or interrupted
              2  usage error or invalid parameters (nothing sent)
              3  the node rejected the request (unknown_task, unauthorized, expired, ...) or a control
                 call failed (not_found, ...)
              4  the task finished partially (some schemas failed)
              5  timeout: no answer or no result in time (the task may still be running: use 'result')
              6  cannot connect to the broker
              7  no such node: the broker has no queue of that name
              8  result: the task has not finished yet
              70 internal error
            """;

    private Cli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs one command; returns the exit code. In-process entry point for tests. */
    public static int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> env) {
        CliArgs a;
        try {
            a = CliArgs.parse(argv, env);
        } catch (CliArgs.UsageException e) {
            err.println("tasknode: " + e.getMessage());
            err.println("try: tasknode --help");
            return USAGE;
        }
        if (a.help()) {
            out.print(HELP);
            return OK;
        }
        Output o = new Output(out, err, ZoneId.systemDefault(), a.json());
        try {
            if (a.command().equals("start")) {
                // refused locally, before connecting, by the one parser the node uses as well
                TaskCatalog.find(a.args().get(0)).ifPresent(spec -> spec.parse(a.params()));
            }
            try (RpcManager rpc = RpcManager.connect(a.uri())) {
                return execute(a, rpc, o);
            }
        } catch (ParamException e) {
            return fail(o, e.toError(), USAGE);
        } catch (TaskRejectedException e) {
            return fail(o, e.error(), REJECTED);
        } catch (NoSuchNodeException e) {
            return fail(o, e.error(), NO_SUCH_NODE);
        } catch (TaskTimeoutException e) {
            return fail(o, e.error(), TIMEOUT);
        } catch (TaskRpcException e) {
            boolean connection = e.code().equals(TaskRpcException.CONNECTION) || e.code().equals(TaskRpcException.CLOSED);
            return fail(o, e.error(), connection ? CONNECTION : REJECTED);
        } catch (RuntimeException e) {
            return fail(o, TaskError.of("internal", String.valueOf(e)), INTERNAL);
        }
    }

    private static int execute(CliArgs a, RpcManager rpc, Output o) {
        int seconds = a.timeoutSeconds() != null ? a.timeoutSeconds()
                : a.command().equals("start") ? START_TIMEOUT_S : CONTROL_TIMEOUT_S;
        RpcCall call = rpc.timeout(seconds);
        String node = a.node();
        switch (a.command()) {
            case "start" -> {
                TaskHandle h = call.taskStart(node, a.args().get(0), a.params());
                o.accepted(h.reply(), node);
                if (!a.follow()) {
                    return OK;
                }
                h.onEvent(e -> o.live(e, System.nanoTime()));
                TaskResult r;
                try {
                    r = h.join();
                } catch (TaskTimeoutException e) {
                    throw new TaskTimeoutException(e.getMessage() + "; the task goes on: tasknode result " + h.taskId());
                }
                o.result(r);
                return exitCode(r.status());
            }
            case "status" -> o.summary(call.status(node, a.taskId()));
            case "result" -> {
                ControlReply reply = call.control(node, ControlRequest.of(TaskNames.Control.RESULT, a.taskId()));
                if (reply.result() != null) {
                    o.result(reply.result());
                    return exitCode(reply.result().status());
                }
                if (o.json()) {
                    o.json(reply.task());
                } else {
                    o.note("task " + a.taskId() + " has not finished"
                            + (reply.task() != null && reply.task().status() != null ? " (" + reply.task().status().wire() + ")" : ""));
                }
                return NOT_FINISHED;
            }
            case "logs" -> o.events(logs(call, node, a));
            case "cancel" -> {
                var s = call.cancel(node, a.taskId());
                if (o.json()) {
                    o.json(s);
                } else {
                    o.line("cancel requested for " + a.taskId() + " (status " + s.status().wire() + ")");
                }
            }
            case "list" -> o.list(call.list(node, a.limit() != null ? a.limit() : 50));
            case "tasks" -> o.specs(call.tasks(node));
            default -> throw new IllegalStateException(a.command());
        }
        return OK;
    }

    /** With --limit: one page. Without: every event from --from on, page by page. */
    private static List<TaskEvent> logs(RpcCall call, String node, CliArgs a) {
        long from = a.fromSeq() != null ? a.fromSeq() : 1;
        if (a.limit() != null) {
            return call.logs(node, a.taskId(), from, a.limit());
        }
        List<TaskEvent> all = new ArrayList<>();
        while (true) {
            List<TaskEvent> page = call.logs(node, a.taskId(), from, 1000);
            all.addAll(page);
            if (page.size() < 1000) {
                return all;
            }
            from = page.getLast().seq() + 1;
        }
    }

    static int exitCode(TaskStatus status) {
        return switch (status) {
            case SUCCEEDED -> OK;
            case PARTIAL -> PARTIAL;
            case ACCEPTED, RUNNING -> NOT_FINISHED;
            case REJECTED, EXPIRED -> REJECTED;
            case FAILED, CANCELLED, INTERRUPTED -> FAILED;
        };
    }

    private static int fail(Output o, TaskError error, int code) {
        o.error(error);
        return code;
    }
}
