package dev.tasknode.contracts.tasks;

import dev.tasknode.contracts.Text;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which schemas a task works on: everything, the shared schema, or one project. Parsed from the prototype's
 * parameter: {@code ""} or {@code all} = everything, {@code shared}, or a project id, also written
 * {@code p_<id>} or {@code project_<id>}.
 */
public sealed interface Scope {
    /** Project ids: lower-case letters, digits and underscores, starting with a letter or digit, ≤ 48 characters. */
    Pattern PROJECT_ID = Pattern.compile("[a-z0-9][a-z0-9_]{0,47}");
    String ACCEPTED = "\"\" or \"all\" (shared schema and every project), \"shared\", or a project id "
            + "(lower-case letters, digits, '_'; also written p_<id> or project_<id>)";

    record All() implements Scope {
        @Override
        public String toString() {
            return "all";
        }
    }

    record Shared() implements Scope {
        @Override
        public String toString() {
            return "shared";
        }
    }

    record Project(String id) implements Scope {
        public Project {
            if (id == null || !PROJECT_ID.matcher(id).matches() || id.equals("all") || id.equals("shared")) {
                throw new ParamException("scope", Text.quote(id) + " is not a valid project id", ACCEPTED);
            }
        }

        @Override
        public String toString() {
            return id;
        }
    }

    Scope ALL = new All();
    Scope SHARED = new Shared();

    static Scope parse(String raw) {
        return parse("scope", raw);
    }

    /** Parses a scope; {@code name} is the parameter name used in the error message. */
    static Scope parse(String name, String raw) {
        String s = raw == null ? "" : raw.strip();
        if (s.isEmpty() || s.equals("all")) {
            return ALL;
        }
        if (s.equals("shared")) {
            return SHARED;
        }
        String id = s;
        if (id.startsWith("project_")) {
            id = id.substring("project_".length());
        } else if (id.startsWith("p_")) {
            id = id.substring(2);
        }
        if (!PROJECT_ID.matcher(id).matches() || id.equals("all") || id.equals("shared")) {
            String hint = s.equals(s.toLowerCase(Locale.ROOT)) ? "" : " (ids are lower-case)";
            throw new ParamException(name, Text.quote(raw) + " is not a scope" + hint, ACCEPTED);
        }
        return new Project(id);
    }
}
