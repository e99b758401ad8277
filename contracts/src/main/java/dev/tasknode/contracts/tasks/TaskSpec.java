package dev.tasknode.contracts.tasks;

import dev.tasknode.contracts.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a task is and which parameters it takes. {@link #parse} is the only parameter parser of tasknode: the
 * node, the Java client, the CLI and the Admin page all call it, so they accept and refuse the same input.
 *
 * @param mutating   true when the task changes or replaces data; such tasks are authorized per broker user
 * @param positional the parameter that the prototype's single {@code "param"} string fills, or null
 * @param hint       one line for people: what to type into the parameter field
 */
public record TaskSpec(String name, String description, boolean mutating, String positional, String hint,
                       List<ParamDef> params) {
    /** The prototype's single parameter key. */
    public static final String PARAM = "param";

    public TaskSpec {
        params = List.copyOf(params);
    }

    /**
     * Validates and types raw parameters. Accepts the prototype's form {@code {"param": "shared"}}, typed
     * parameters {@code {"scope": "shared", "dry_run": true}}, or both when they do not contradict each other.
     * Unknown names, wrong types, missing required values are refused with a {@link ParamException} that
     * says what is accepted.
     */
    public TaskParams parse(Map<String, ?> raw) {
        Map<String, ?> in = raw == null ? Map.of() : raw;
        Map<String, ParamDef> defs = params.stream()
                .collect(Collectors.toMap(ParamDef::name, d -> d, (a, b) -> a, LinkedHashMap::new));
        Map<String, Object> values = new LinkedHashMap<>();
        for (var e : in.entrySet()) {
            String key = e.getKey();
            if (key.equals(PARAM)) {
                continue;
            }
            ParamDef def = defs.get(key);
            if (def == null) {
                throw new ParamException(Text.clip(key), "unknown parameter for " + name, acceptedNames());
            }
            if (e.getValue() != null) {
                values.put(key, def.type().parse(def, e.getValue()));
            }
        }
        if (in.containsKey(PARAM)) {
            Object p = in.get(PARAM);
            String text = switch (p) {
                case null -> "";
                case String s -> s;
                case Number n -> n.toString();
                default -> throw new ParamException(PARAM, "expected a string, got " + Text.describe(p), positional == null
                        ? "\"\" or nothing" : defs.get(positional).accepted());
            };
            if (positional == null) {
                if (!text.isBlank()) {
                    throw new ParamException(PARAM, name + " takes no parameter, got " + Text.quote(text), "\"\" or nothing");
                }
            } else if (!text.isBlank() || defs.get(positional).type() == ParamType.SCOPE) {
                // a blank scope means "everything"; any other blank positional means "not given"
                ParamDef def = defs.get(positional);
                Object v = def.type().parse(def.withName(PARAM), text);
                Object typed = values.get(positional);
                if (typed != null && !typed.equals(v)) {
                    throw new ParamException(PARAM, Text.quote(text) + " contradicts " + positional + "="
                            + (typed instanceof String t ? Text.quote(t) : Text.clip(String.valueOf(typed))),
                            "either param or " + positional + ", or both with the same value");
                }
                values.put(positional, v);
            }
        }
        for (ParamDef def : params) {
            if (!values.containsKey(def.name())) {
                if (def.required()) {
                    String how = def.name().equals(positional) ? " (as \"" + PARAM + "\" or \"" + def.name() + "\")" : "";
                    throw new ParamException(def.name(), "missing" + how, def.accepted());
                }
                if (def.defaultValue() != null) {
                    values.put(def.name(), def.type() == ParamType.SCOPE
                            ? Scope.parse(def.name(), def.defaultValue().toString()) : def.defaultValue());
                }
            }
        }
        return new TaskParams(name, values);
    }

    private String acceptedNames() {
        List<String> names = new ArrayList<>();
        if (positional != null || params.isEmpty()) {
            names.add(PARAM);
        }
        params.forEach(p -> names.add(p.name()));
        return names.isEmpty() ? "no parameters" : String.join(", ", names);
    }
}
