package dev.tasknode.contracts.tasks;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parameters after {@link TaskSpec#parse}: typed values, defaults filled in. */
public record TaskParams(String task, Map<String, Object> values) {
    public TaskParams {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Scope scope() {
        Object v = values.get("scope");
        return v == null ? Scope.ALL : (Scope) v;
    }

    public boolean flag(String name) {
        return Boolean.TRUE.equals(values.get(name));
    }

    public Long number(String name) {
        return (Long) values.get(name);
    }

    public String string(String name) {
        Object v = values.get(name);
        return v == null ? null : v.toString();
    }

    public RestoreSpec restoreSpec() {
        return (RestoreSpec) values.get("spec");
    }

    /** The normalized form, as recorded and shown ({@code {"scope":"shared","dry_run":false}}). */
    public Map<String, Object> toWire() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof Boolean || v instanceof Number || v == null ? v : v.toString()));
        return out;
    }
}
