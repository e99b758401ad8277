package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.SchemaObjects;

/**
 * The one known text PostgreSQL prints in a form that does not parse back to itself: an array literal cast to
 * another array type. {@code status IN ('a','b')} on a varchar column is stored as an array coercion over a
 * varchar array, printed {@code (status)::text = ANY ((ARRAY['a'::character varying, 'b'::character
 * varying])::text[])}; run again, the parser pushes the outer cast into the elements and stores {@code ANY
 * (ARRAY[('a'::character varying)::text, …])}, another expression. A schema the engine built would then differ
 * from a fresh build of the model (and from the model's own text stored once) for ever.
 *
 * <p>Written with the elements' own array type in between, {@code (ARRAY['a'::character varying, …]::character
 * varying[])::text[]}, the text parses to exactly what the model stored, and PostgreSQL prints it back as the
 * model's form. So the diff compares and creates these texts in that form ({@link #of}, applied to both sides, so
 * nothing differs that did not): what the engine creates is stored as a fresh build stores it, in one step. Other
 * rewordings, if PostgreSQL has any, are still settled by {@link FixedPoint}.
 */
public final class ArrayCasts {
    private ArrayCasts() {}

    private static final String OPEN = "(ARRAY[";

    /**
     * {@code cat} with every such literal cast written in its stable form; function definitions are left alone
     * (their bodies are the model's own text, compared and run as they are). The same object when nothing changes.
     */
    public static Catalog.Schema of(Catalog.Schema cat) {
        return (Catalog.Schema) FixedPoint.rewrite(cat, ArrayCasts::stable, r -> r instanceof SchemaObjects.Function);
    }

    /** {@code text} with each {@code (ARRAY['x'::T, …])::U[]} (all elements literals of one type T ≠ U) as {@code (ARRAY[…]::T[])::U[]}. */
    public static String stable(String text) {
        if (text == null || !text.contains(OPEN)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 32);
        int at = 0;
        int open;
        while ((open = text.indexOf(OPEN, at)) >= 0) {
            int elems = open + OPEN.length();
            String type = null;
            int i = elems;
            boolean ok = true;
            while (ok) {
                int end = literalEnd(text, i);
                if (end < 0 || !text.startsWith("::", end)) {
                    ok = false;
                    break;
                }
                int t = end + 2;
                int te = typeEnd(text, t);
                String ty = text.substring(t, te);
                if (ty.isEmpty() || type != null && !type.equals(ty)) {
                    ok = false;
                    break;
                }
                type = ty;
                if (text.startsWith(", ", te)) {
                    i = te + 2;
                } else {
                    i = te;
                    break;
                }
            }
            if (ok && text.startsWith("])::", i)) {
                int t = i + 4;
                int te = typeEnd(text, t);
                String target = text.substring(t, te);
                if (target.endsWith("[]") && !target.equals(type + "[]")) {
                    out.append(text, at, i + 1).append("::").append(type).append("[]");
                    at = i + 1;
                    continue;
                }
            }
            out.append(text, at, elems);
            at = elems;
        }
        String r = out.append(text.substring(at)).toString();
        return r.equals(text) ? text : r; // the same object when nothing changed (see FixedPoint.rewrite)
    }

    /** The end of a string literal {@code '…'} starting at {@code i} ({@code ''} inside), or -1. */
    private static int literalEnd(String s, int i) {
        if (i >= s.length() || s.charAt(i) != '\'') {
            return -1;
        }
        for (int j = i + 1; j < s.length(); j++) {
            if (s.charAt(j) == '\'') {
                if (j + 1 < s.length() && s.charAt(j + 1) == '\'') {
                    j++;
                } else {
                    return j + 1;
                }
            }
        }
        return -1;
    }

    /** The end of a type name as PostgreSQL prints it after {@code ::} (letters, digits, spaces, dots, quotes, {@code []}). */
    private static int typeEnd(String s, int i) {
        int j = i;
        boolean quoted = false;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && !(Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '{' || c == '}'
                    || c == '[' || c == ']' || c == ' ' && j + 1 < s.length() && Character.isLetter(s.charAt(j + 1))
                    && j > i && Character.isLetter(s.charAt(j - 1)))) {
                break;
            }
            j++;
        }
        // a closing "]" of the ARRAY itself is not part of the type: only "[]" pairs are
        while (j > i && s.charAt(j - 1) == ']' && !(j - 2 >= i && s.charAt(j - 2) == '[')) {
            j--;
        }
        return j;
    }
}
