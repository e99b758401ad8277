package dev.tasknode.node.web;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.ParamDef;
import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.tasks.TaskParams;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.config.NodeProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Admin page's own JSON: who is signed in, and the parameter check it runs while the person types.
 * Parameters are checked with contracts' {@link TaskCatalog} (the one parser), so the page accepts and refuses
 * exactly what the node does. Answers use the wire's JSON mapping (snake_case). Runs: {@link RunsApi}.
 */
@RestController
@RequestMapping("/admin/api")
class AdminApi {
    private final String node;

    AdminApi(AdminProperties props, NodeProperties nodeProps) {
        this.node = props.targetNode(nodeProps);
    }

    /** Who is signed in, what they may do, and the CSRF token the script sends back with every POST. */
    @GetMapping("/me")
    ResponseEntity<String> me(Authentication auth, HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", auth.getName());
        out.put("roles", AdminSecurity.roles(auth));
        out.put("node", node);
        out.put("csrf_header", csrf == null ? null : csrf.getHeaderName());
        out.put("csrf_token", csrf == null ? null : csrf.getToken());
        return json(HttpStatus.OK, out);
    }

    /** Checks parameters as the node will, while the person types. Body: {task, param, params}. */
    @PostMapping("/validate")
    ResponseEntity<String> validate(@RequestBody Map<String, Object> body, Authentication auth) {
        TaskParams parsed;
        try {
            parsed = parse(body);
        } catch (ParamException e) {
            // a refused value is the answer to the question asked, not a failed request: 200, so the browser does
            // not log an error for every keystroke
            return json(HttpStatus.OK, Map.of("ok", false, "error", e.toError()));
        }
        String role = AdminSecurity.requiredRole(parsed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("params", parsed.toWire());
        out.put("role_required", role);
        out.put("allowed", AdminSecurity.hasRole(auth, role));
        return json(HttpStatus.OK, out);
    }

    // ---- helpers

    static TaskParams parse(Map<String, Object> body) {
        Object task = body.get("task");
        if (!(task instanceof String name) || name.isBlank()) {
            throw new ParamException(null, "no task chosen", "one of " + TaskCatalog.all().stream().map(TaskSpec::name).toList());
        }
        return TaskCatalog.parse(name, raw(body));
    }

    /** The parameters as sent: typed ones from {@code params}, plus the prototype's single string {@code param}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> raw(Map<String, Object> body) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (body.get("params") instanceof Map<?, ?> typed) {
            ((Map<String, Object>) typed).forEach((k, v) -> {
                if (v != null && !(v instanceof String s && s.isBlank())) {
                    out.put(k, v);
                }
            });
        }
        if (body.get("param") instanceof String p && !p.isBlank()) {
            out.put(TaskSpec.PARAM, p);
        }
        return out;
    }

    static String taskId(String id) {
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            throw new ParamException("task_id", "'" + id + "' is not a task id", "a UUID");
        }
    }

    static Map<String, Object> view(TaskSpec s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", s.name());
        v.put("description", s.description());
        v.put("mutating", s.mutating());
        v.put("positional", s.positional());
        v.put("hint", s.hint());
        v.put("role", s.name().equals(dev.tasknode.contracts.tasks.TaskNames.RESTORE_DATABASE) ? AdminSecurity.ADMIN
                : AdminSecurity.OPERATOR);
        v.put("params", s.params().stream().map(AdminApi::view).toList());
        return v;
    }

    private static Map<String, Object> view(ParamDef p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", p.name());
        v.put("type", p.type().wire());
        v.put("required", p.required());
        v.put("default", p.defaultValue());
        v.put("description", p.description());
        v.put("accepted", p.accepted());
        return v;
    }

    static ResponseEntity<String> json(HttpStatus status, Object body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(Json.MAPPER.writeValueAsString(body));
    }

    static ResponseEntity<String> error(HttpStatus status, String code, String message) {
        return json(status, Map.of("error", TaskError.of(code, message)));
    }

    @ExceptionHandler(ParamException.class)
    ResponseEntity<String> invalid(ParamException e) {
        return json(HttpStatus.BAD_REQUEST, Map.of("error", e.toError()));
    }
}
