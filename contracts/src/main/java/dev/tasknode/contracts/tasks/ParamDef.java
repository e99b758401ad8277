package dev.tasknode.contracts.tasks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One parameter of a task: name, type, whether required, its default, and for integers the allowed range. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParamDef(String name, ParamType type, boolean required, Object defaultValue, String description,
                       long min, long max) {
    public static ParamDef optional(String name, ParamType type, Object defaultValue, String description) {
        return new ParamDef(name, type, false, defaultValue, description, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public static ParamDef required(String name, ParamType type, String description) {
        return new ParamDef(name, type, true, null, description, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public static ParamDef integer(String name, Long defaultValue, long min, long max, String description) {
        return new ParamDef(name, ParamType.INTEGER, false, defaultValue, description, min, max);
    }

    ParamDef withName(String other) {
        return new ParamDef(other, type, required, defaultValue, description, min, max);
    }

    /** What this parameter accepts, in words (used in error messages and as the UI's hint). */
    public String accepted() {
        return type == ParamType.INTEGER ? range() : type.accepted();
    }

    @JsonIgnore
    String range() {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return "a whole number";
        }
        return "a whole number from " + min + " to " + max;
    }
}
