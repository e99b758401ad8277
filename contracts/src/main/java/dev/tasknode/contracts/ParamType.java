package dev.tasknode.contracts;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kinds of task parameter. Each knows how to read a JSON value (or the prototype's string) into a Java value. */
public enum ParamType {
    STRING("a string"),
    BOOLEAN("true or false"),
    INTEGER("a whole number"),
    SCOPE(Scope.ACCEPTED),
    BACKUP_ID("a backup id YYYYMMDD_HHMMSS (UTC), e.g. 20250520_123456"),
    RESTORE_SPEC(RestoreSpec.ACCEPTED),
    /** apply/propose_migrations' {@code online}: when DDL on existing tables takes its online forms */
    ONLINE_MODE("auto (online forms for tables of at least large-table-rows rows), always or never");

    private final String accepted;

    ParamType(String accepted) {
        this.accepted = accepted;
    }

    public String accepted() {
        return accepted;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    Object parse(ParamDef def, Object raw) {
        String name = def.name();
        return switch (this) {
            case STRING -> {
                if (!(raw instanceof String s)) {
                    throw new ParamException(name, "expected a string, got " + describe(raw), accepted);
                }
                yield s;
            }
            case BOOLEAN -> switch (raw) {
                case Boolean b -> b;
                case String s when s.equalsIgnoreCase("true") || s.equals("1") || s.equalsIgnoreCase("yes") -> true;
                case String s when s.equalsIgnoreCase("false") || s.equals("0") || s.equalsIgnoreCase("no") -> false;
                default -> throw new ParamException(name, "expected true or false, got " + describe(raw), accepted);
            };
            case INTEGER -> {
                long v;
                if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                    v = n.longValue();
                } else if (raw instanceof String s && s.strip().matches("-?\\d{1,18}")) {
                    v = Long.parseLong(s.strip());
                } else {
                    throw new ParamException(name, "expected a whole number, got " + describe(raw), def.range());
                }
                if (v < def.min() || v > def.max()) {
                    throw new ParamException(name, v + " is out of range", def.range());
                }
                yield v;
            }
            case SCOPE -> Scope.parse(name, asText(def, raw));
            case BACKUP_ID -> {
                String s = asText(def, raw).strip();
                RestoreSpec.parseBackupId(name, s, accepted);
                yield s;
            }
            case RESTORE_SPEC -> RestoreSpec.parse(asText(def, raw));
            case ONLINE_MODE -> {
                String s = asText(def, raw).strip().toLowerCase(Locale.ROOT);
                if (!s.equals("auto") && !s.equals("always") && !s.equals("never")) {
                    throw new ParamException(name, "unknown online mode " + describe(raw), accepted);
                }
                yield s;
            }
        };
    }

    private String asText(ParamDef def, Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        if (raw instanceof Number n && (this == SCOPE)) {
            return n.toString(); // a project id given as a JSON number
        }
        throw new ParamException(def.name(), "expected a string, got " + describe(raw), accepted);
    }

    static String describe(Object raw) {
        return switch (raw) {
            case null -> "null";
            case String s -> "\"" + s + "\"";
            case Number n -> "number " + n;
            case Boolean b -> b.toString();
            default -> raw.getClass().getSimpleName().toLowerCase(Locale.ROOT).contains("map") ? "an object" : "a list";
        };
    }
}
