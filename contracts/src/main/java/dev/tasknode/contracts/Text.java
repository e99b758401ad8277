package dev.tasknode.contracts;

import java.util.Locale;

/**
 * How input is echoed in error messages and what text the node can store. An error quotes at most
 * {@link #ECHO_MAX} characters of what it refuses, with control characters escaped, so a hostile value neither
 * bloats the answer nor forges lines in a log.
 */
public final class Text {
    private Text() {}

    public static final int ECHO_MAX = 100;

    /** {@code "abc"}, or {@code "abc…" (1,048,576 characters)} when longer than {@link #ECHO_MAX}. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        int n = s.length();
        String head = n <= ECHO_MAX ? s : s.substring(0, cut(s));
        String q = "\"" + escape(head) + (n <= ECHO_MAX ? "\"" : "…\"");
        return n <= ECHO_MAX ? q : q + " (" + String.format(Locale.ROOT, "%,d", n) + " characters)";
    }

    /** A name (a parameter key) for a message: as it is when short and printable, else shortened and escaped. */
    public static String clip(String s) {
        if (s == null) {
            return "null";
        }
        String head = s.length() <= ECHO_MAX ? s : s.substring(0, cut(s)) + "…";
        String e = escape(head);
        return s.length() <= ECHO_MAX ? e : e + " (" + String.format(Locale.ROOT, "%,d", s.length()) + " characters)";
    }

    /** Like {@link #quote} for a value of any JSON type: strings quoted, numbers and booleans as they are, no Java class names. */
    public static String describe(Object raw) {
        return switch (raw) {
            case null -> "null";
            case String s -> quote(s);
            case Number n -> "number " + number(n.toString());
            case Boolean b -> b.toString();
            case java.util.Map<?, ?> m -> "an object";
            case java.util.Collection<?> c -> "a list";
            default -> raw.getClass().isArray() ? "a list" : "a value of another type";
        };
    }

    /** A number's text, shortened the same way (a JSON number may have hundreds of digits). */
    public static String number(String digits) {
        return digits.length() <= ECHO_MAX ? digits
                : digits.substring(0, ECHO_MAX) + "… (" + String.format(Locale.ROOT, "%,d", digits.length()) + " digits)";
    }

    /**
     * Null when PostgreSQL text can hold {@code s}; else what is wrong. PostgreSQL text refuses the NUL character,
     * and a lone UTF-16 surrogate has no UTF-8 form.
     */
    public static String unstorable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "contains the NUL character (\\u0000) at position " + i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired surrogate (\\u" + String.format("%04x", (int) c) + ") at position " + i;
            }
        }
        return null;
    }

    private static int cut(String s) {
        // never split a surrogate pair
        return Character.isHighSurrogate(s.charAt(ECHO_MAX - 1)) ? ECHO_MAX - 1 : ECHO_MAX;
    }

    private static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean plain = c >= 0x20 && c != 0x7f && c != '"' && c != '\\' && !(Character.isSurrogate(c) && !paired(s, i));
            if (plain) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }

    private static boolean paired(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
