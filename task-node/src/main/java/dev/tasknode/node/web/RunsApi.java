package dev.tasknode.node.web;

import static dev.tasknode.node.web.AdminApi.error;
import static dev.tasknode.node.web.AdminApi.json;

import dev.tasknode.client.TaskHandle;
import dev.tasknode.client.NoSuchNodeException;
import dev.tasknode.client.TaskRpcException;
import dev.tasknode.client.TaskTimeoutException;
import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.tasks.TaskParams;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.contracts.messages.TaskSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tasks and runs for the Admin page, all from the node through the broker ({@link AdminRpc}), like any other
 * caller: the node's registered tasks, starting a run on behalf of the signed-in person, recent runs, one run's
 * result, Stop. The page's roles are checked here before anything is sent.
 */
@RestController
@RequestMapping("/admin/api")
class RunsApi {
    private static final Logger log = LoggerFactory.getLogger(RunsApi.class);
    private final AdminRpc rpc;
    private final String backupDir;

    RunsApi(AdminRpc rpc, @org.springframework.beans.factory.annotation.Value("${tasknode.backup.dir:}") String backupDir) {
        this.rpc = rpc;
        this.backupDir = backupDir;
    }

    /** Every task the node registered, with what the page needs to build its form. */
    @GetMapping("/tasks")
    ResponseEntity<String> tasks() {
        List<TaskSpec> specs = rpc.control().tasks(rpc.node());
        return json(HttpStatus.OK, specs.stream().map(AdminApi::view).toList());
    }

    /** Starts a task on behalf of the signed-in person. Body: {task, param, params}; answers {task_id}. */
    @PostMapping("/runs")
    ResponseEntity<String> start(@RequestBody Map<String, Object> body, Authentication auth) {
        TaskParams parsed = AdminApi.parse(body);
        String role = AdminSecurity.requiredRole(parsed);
        if (!AdminSecurity.hasRole(auth, role)) {
            return error(HttpStatus.FORBIDDEN, ErrorCode.UNAUTHORIZED,
                    parsed.task() + (role.equals(AdminSecurity.ADMIN) ? " with these parameters" : "")
                            + " needs the " + role + " role; " + auth.getName() + " has " + AdminSecurity.roles(auth));
        }
        TaskHandle h = rpc.call(auth.getName()).taskStart(rpc.node(), parsed.task(), AdminApi.raw(body));
        log.info("admin page: {} started {} {} as {}", auth.getName(), parsed.task(), parsed.toWire(), h.taskId());
        return json(HttpStatus.ACCEPTED, Map.of("task_id", h.taskId(), "task", parsed.task()));
    }

    /**
     * Recent runs, newest first (any replica's: the node answers from the shared store), filtered and paged
     * here: the node's list call has no filters, so the page asks for the newest {@link RunFilter#SCAN} and
     * filters those. Answers {runs, total, offset, limit, scanned}.
     */
    @GetMapping("/runs")
    ResponseEntity<String> list(@RequestParam(defaultValue = "") String task, @RequestParam(defaultValue = "") String status,
                                @RequestParam(defaultValue = "") String user, @RequestParam(defaultValue = "") String q,
                                @RequestParam(defaultValue = "false") boolean lookups,
                                @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "25") int limit) {
        RunFilter f = new RunFilter(task, status, user, q, lookups);
        List<TaskSummary> scanned = rpc.control().list(rpc.node(), RunFilter.SCAN);
        return json(HttpStatus.OK, f.page(scanned, Math.max(0, offset), Math.clamp(limit, 1, 200), backupDir));
    }

    /** One run: its summary and, once finished, its result document. */
    @GetMapping("/runs/{id}")
    ResponseEntity<String> run(@PathVariable String id) {
        String taskId = AdminApi.taskId(id);
        TaskSummary s = rpc.control().status(rpc.node(), taskId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("task", RunFilter.view(s, backupDir));
        if (s.status() != null && s.status().terminal()) {
            rpc.control().result(rpc.node(), taskId).ifPresent(res -> out.put("result", res));
        }
        return json(HttpStatus.OK, out);
    }

    /** Asks the replica running the task to stop it; the run ends as cancelled within about a second. */
    @PostMapping("/runs/{id}/cancel")
    ResponseEntity<String> cancel(@PathVariable String id, Authentication auth) {
        String taskId = AdminApi.taskId(id);
        log.info("admin page: {} asks to stop {}", auth.getName(), taskId);
        TaskSummary answer = rpc.call(auth.getName()).cancel(rpc.node(), taskId);
        return json(HttpStatus.OK, answer);
    }

    @ExceptionHandler(ParamException.class)
    ResponseEntity<String> invalid(ParamException e) {
        return json(HttpStatus.BAD_REQUEST, Map.of("error", e.toError()));
    }

    /** The node's refusals and the client's own failures (timeout, no such node, broker gone), said plainly. */
    @ExceptionHandler(TaskRpcException.class)
    ResponseEntity<String> rpcFailed(TaskRpcException e) {
        HttpStatus status = switch (e.code()) {
            case ErrorCode.NOT_FOUND -> HttpStatus.NOT_FOUND;
            case ErrorCode.UNAUTHORIZED -> HttpStatus.FORBIDDEN;
            case ErrorCode.INVALID_PARAMS, ErrorCode.UNKNOWN_TASK, ErrorCode.BAD_REQUEST -> HttpStatus.BAD_REQUEST;
            case TaskRpcException.TIMEOUT -> HttpStatus.GATEWAY_TIMEOUT;
            case TaskRpcException.NO_SUCH_NODE, TaskRpcException.CONNECTION, TaskRpcException.CLOSED ->
                    HttpStatus.SERVICE_UNAVAILABLE;
            default -> HttpStatus.CONFLICT;
        };
        if (e instanceof NoSuchNodeException) {
            return error(status, e.code(), "node " + rpc.node() + " is not running (its queue does not exist)");
        }
        if (e instanceof TaskTimeoutException) {
            return error(status, e.code(), "no node answered in time; is " + rpc.node() + " running? (" + e.getMessage() + ")");
        }
        return json(status, Map.of("error", e.error()));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<String> failed(RuntimeException e) {
        log.warn("admin page: call to {} failed", rpc.node(), e);
        return error(HttpStatus.BAD_GATEWAY, ErrorCode.INTERNAL, "the call to the node failed: " + e.getMessage());
    }
}
