package dev.tasknode.contracts.tasks;

import dev.tasknode.contracts.Text;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
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
    ONLINE_MODE("auto (online forms for tables of at least large-table-rows rows), always or never"),
    /** A cluster name as tasknode.clusters names them; whether it is configured is the node's to say. */
    CLUSTER("a configured cluster name: lower-case letters, digits, '_' and '-', starting with a letter, e.g. eu-2");

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

    /** Longest string parameter accepted (a ping message, a fingerprint): task parameters are recorded with each run. */
    public static final int STRING_MAX = 10_000;
    private static final java.util.regex.Pattern CLUSTER_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[-+]?\\d{1,400}");
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    Object parse(ParamDef def, Object raw) {
        String name = def.name();
        return switch (this) {
            case STRING -> {
                if (!(raw instanceof String s)) {
                    throw new ParamException(name, "expected a string, got " + Text.describe(raw), accepted);
                }
                yield text(name, s, accepted);
            }
            // JSON true/false; the strings "true" and "false" too, as the prototype and the CLI send text
            case BOOLEAN -> switch (raw) {
                case Boolean b -> b;
                case String s when s.equals("true") -> true;
                case String s when s.equals("false") -> false;
                default -> throw new ParamException(name, "expected true or false, got " + Text.describe(raw), accepted);
            };
            case INTEGER -> {
                long v = whole(name, raw, def.range());
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
            case CLUSTER -> {
                String s = asText(def, raw).strip();
                if (!CLUSTER_NAME.matcher(s).matches()) {
                    throw new ParamException(name, "not a cluster name: " + Text.quote(s), accepted);
                }
                yield s;
            }
            case ONLINE_MODE -> {
                String s = asText(def, raw).strip().toLowerCase(Locale.ROOT);
                if (!s.equals("auto") && !s.equals("always") && !s.equals("never")) {
                    throw new ParamException(name, "unknown online mode " + Text.quote(s), accepted);
                }
                yield s;
            }
        };
    }

    /** A string the node can record: at most {@link #STRING_MAX} characters, nothing PostgreSQL text cannot hold. */
    static String text(String name, String s, String accepted) {
        String bad = Text.unstorable(s);
        if (bad != null) {
            throw new ParamException(name, Text.quote(s) + " " + bad, accepted + " (no NUL characters)");
        }
        if (s.length() > STRING_MAX) {
            throw new ParamException(name, Text.quote(s) + " is too long", accepted + " of at most "
                    + String.format(java.util.Locale.ROOT, "%,d", STRING_MAX) + " characters");
        }
        return s;
    }

    /**
     * A whole number of 64 bits: a JSON integer, a float with no fraction (2.0), or a string of digits. Read exactly
     * (as a decimal), so a value outside 64 bits is refused as such instead of wrapping around.
     */
    public static long whole(String name, Object raw, String accepted) {
        BigDecimal d;
        try {
            d = switch (raw) {
                case Number n -> new BigDecimal(n.toString());
                case String s when DIGITS.matcher(s.strip()).matches() -> new BigDecimal(s.strip());
                default -> null;
            };
        } catch (NumberFormatException e) {
            d = null; // NaN, Infinity
        }
        if (d == null || d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw new ParamException(name, "expected a whole number, got " + Text.describe(raw), accepted);
        }
        if (d.compareTo(LONG_MIN) < 0 || d.compareTo(LONG_MAX) > 0) {
            throw new ParamException(name, Text.number(d.toPlainString()) + " is outside the 64-bit range", accepted);
        }
        return d.longValueExact();
    }

    private String asText(ParamDef def, Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        if (raw instanceof Number n && (this == SCOPE)) {
            return n.toString(); // a project id given as a JSON number
        }
        throw new ParamException(def.name(), "expected a string, got " + Text.describe(raw), accepted);
    }
}
