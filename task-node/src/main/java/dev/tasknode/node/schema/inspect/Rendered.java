package dev.tasknode.node.schema.inspect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Definitions PostgreSQL renders (pg_get_constraintdef, pg_get_expr, pg_get_triggerdef, pg_get_viewdef), rendered once per distinct raw form instead
 * of once per object, for all the batches of one fleet inspection (thread-safe: batches run in parallel).
 *
 * <p>Why: in a batch every object is new to the backend, so each rendering call misses its catalog caches and
 * looks up names one by one — about a second per 500-schema batch for constraints and as much for column defaults
 * at 10,000 projects, while the whole fleet holds a few dozen distinct forms. The raw form ({@code key}) is what
 * the rendering reads: the stored node tree (as an md5), the table's name and columns (names by attribute number)
 * and the options the text shows; the caller builds it without rendering. Two objects with the same key render to
 * the same text once the schema's own name is replaced by its placeholder ({@link CatalogRows#norm}). A text that
 * still names its schema otherwise (a literal, say) is not shared: that key is rendered for each of its objects.
 * A {@code null} key means "render this one".
 */
final class Rendered {
    private final boolean share;
    private final Map<String, String> texts = new ConcurrentHashMap<>();
    private final Set<String> unshared = ConcurrentHashMap.newKeySet();
    /** renders done and texts reused (RenderedTest checks that sharing happens) */
    private long renders;
    private long reused;
    private final Map<String, Long> rendersBySql = new HashMap<>();

    Rendered() {
        this(true);
    }

    /** {@code share = false}: every object rendered for itself, as before this class (tests compare with it). */
    Rendered(boolean share) {
        this.share = share;
    }

    /**
     * One batch's objects of one kind that wait for their text.
     *
     * @param renderSql {@code SELECT <oid>, <rendered text> FROM unnest(?::oid[]) …}: the objects by OID
     */
    Pending pending(String renderSql) {
        return new Pending(renderSql);
    }

    synchronized long renders() {
        return renders;
    }

    synchronized long reused() {
        return reused;
    }

    /** renders done per rendering query */
    synchronized long renders(String renderSql) {
        return rendersBySql.getOrDefault(renderSql, 0L);
    }

    private synchronized void count(String renderSql, long r, long u) {
        renders += r;
        reused += u;
        rendersBySql.merge(renderSql, r, Long::sum);
    }

    /** {@code name} in {@code text} as a word of its own (not inside a longer identifier such as {@code step_1}). */
    static boolean mentions(String text, String name) {
        for (int at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
            int end = at + name.length();
            if ((at == 0 || !identifierPart(text.charAt(at - 1))) && (end == text.length() || !identifierPart(text.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL's first OID for objects made after initdb: below it, an OID is the same in every database */
    private static final long FIRST_NORMAL_OID = 16384;

    /**
     * A stored node tree's raw form (pg_node_tree text): every number at least {@link #FIRST_NORMAL_OID} that
     * {@code local} names — an OID of an object in the tree's own schema — replaced by that name, and a constant of such
     * an enum type by {@code label}'s name for its value (an enum value is the OID of its pg_enum row). Other numbers
     * stay: OIDs of built-in and other schemas' objects are the same for every schema, and an OID left unnamed keeps
     * the raw form of one schema apart from the others (rendered on its own: slower, never wrong). Positions in the
     * query text are left out (the rendering does not read them), type modifiers are not OIDs and never replaced.
     * Returned as a digest (trees are kilobytes).
     *
     * <p>A field is {@code :name} after a space, {@code {} or {@code (}, then a space and an integer, and for a
     * constant its bytes ({@code :constvalue 4 [ 104 46 38 0 0 0 0 0 ]}). Scanned by hand: a regular expression over
     * every view's tree was a third of the node's CPU in a 10,000-schema propose.
     */
    static String treeKey(String tree, LongFunction<String> local, LongFunction<String> label) {
        int n = tree.length();
        StringBuilder out = new StringBuilder(n);
        int from = 0;
        boolean localConst = false;
        for (int at = tree.indexOf(':'); at >= 0; at = tree.indexOf(':', at + 1)) {
            if (at == 0 || !fieldStart(tree.charAt(at - 1))) {
                continue;
            }
            int nameEnd = at + 1;
            while (nameEnd < n && fieldChar(tree.charAt(nameEnd))) {
                nameEnd++;
            }
            if (nameEnd == at + 1 || nameEnd >= n || tree.charAt(nameEnd) != ' ') {
                continue;
            }
            int number = nameEnd + 1;
            int numberEnd = digits(tree, tree.startsWith("-", number) ? number + 1 : number);
            if (numberEnd < 0) {
                continue;
            }
            int bytesEnd = bytes(tree, numberEnd); // the end of " [ … ]", or -1
            int end = bytesEnd < 0 ? numberEnd : bytesEnd;
            String replaced = null;
            if (bytesEnd >= 0) {
                if (localConst && field(tree, at, nameEnd, ":constvalue")) {
                    replaced = enumValue(tree.substring(numberEnd + 2, bytesEnd - 2), label);
                }
            } else if (tree.startsWith("location", nameEnd - 8) && nameEnd - 8 > at) {
                replaced = ""; // where in the statement's text: that moves with the length of the schema's name
            } else if (!field(tree, at, nameEnd, ":stmt_len") && !(tree.startsWith("typmod", nameEnd - 6) && nameEnd - 6 > at)
                    && numberEnd - number <= 18) {
                long v = Long.parseLong(tree, number, numberEnd, 10);
                replaced = v >= FIRST_NORMAL_OID ? local.apply(v) : null;
                if (field(tree, at, nameEnd, ":consttype")) {
                    localConst = replaced != null;
                }
            }
            if (replaced != null) {
                out.append(tree, from, number);
                if (!replaced.isEmpty()) {
                    out.append('<').append(replaced).append('>');
                }
                from = end;
            }
            at = end - 1;
        }
        out.append(tree, from, n);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(out.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean fieldStart(char ch) {
        return ch == ' ' || ch == '{' || ch == '(' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\f' || ch == 0x0B;
    }

    private static boolean fieldChar(char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
    }

    private static boolean field(String tree, int at, int nameEnd, String name) {
        return nameEnd - at == name.length() && tree.startsWith(name, at);
    }

    /** The end of the digits starting at {@code from}, or -1 if there are none. */
    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > from ? i : -1;
    }

    /** After a constant's length at {@code from}: the end of its bytes {@code " [ 1 -2 3 ]"}, or -1 if none follow. */
    private static int bytes(String s, int from) {
        if (!s.startsWith(" [", from)) {
            return -1;
        }
        int i = from + 2;
        while (true) {
            if (s.startsWith(" ]", i)) {
                return i + 2;
            }
            if (!s.startsWith(" ", i)) {
                return -1;
            }
            int d = digits(s, s.startsWith("-", i + 1) ? i + 2 : i + 1);
            if (d < 0) {
                return -1;
            }
            i = d;
        }
    }

    /** An enum constant's bytes (a Datum, little-endian here) as its label, or null (not a label of the schema). */
    private static String enumValue(String bytes, LongFunction<String> label) {
        if (bytes.isBlank()) {
            return null;
        }
        String[] b = bytes.strip().split(" ");
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = (v << 8) | (Integer.parseInt(b[i]) & 0xff);
        }
        return v >= FIRST_NORMAL_OID ? label.apply(v) : null;
    }

    private static boolean identifierPart(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_' || ch == '$';
    }

    private record Item(String schema, String key, long oid, Consumer<String> into) {}

    final class Pending {
        private final String renderSql;
        private final List<Item> items = new ArrayList<>();

        private Pending(String renderSql) {
            this.renderSql = renderSql;
        }

        void add(String schema, String key, long oid, Consumer<String> into) {
            items.add(new Item(schema, share ? key : null, oid, into));
        }

        /** Renders what no earlier batch rendered (one object per new key), then hands every object its text. */
        void resolve(Connection c, CatalogRows b) throws SQLException {
            Map<String, Item> reps = new LinkedHashMap<>();
            for (Item i : items) {
                if (i.key != null && !texts.containsKey(i.key) && !unshared.contains(i.key)) {
                    reps.putIfAbsent(i.key, i);
                }
            }
            Map<Long, String> raw = render(c, reps.values().stream().map(Item::oid).toList());
            for (Item rep : reps.values()) {
                String text = b.norm(rep.schema, raw.get(rep.oid));
                if (text == null || mentions(text, rep.schema)) {
                    unshared.add(rep.key);
                } else {
                    texts.put(rep.key, text);
                }
            }
            List<Long> own = new ArrayList<>();
            for (Item i : items) {
                if ((i.key == null || !texts.containsKey(i.key)) && !raw.containsKey(i.oid)) {
                    own.add(i.oid);
                }
            }
            raw.putAll(render(c, own));
            long reusedHere = 0;
            for (Item i : items) {
                String shared = i.key == null ? null : texts.get(i.key);
                if (shared != null && !reps.containsKey(i.key)) {
                    reusedHere++;
                }
                i.into.accept(shared != null ? shared : b.norm(i.schema, raw.get(i.oid)));
            }
            count(renderSql, raw.size(), reusedHere);
            items.clear();
        }

        private Map<Long, String> render(Connection c, List<Long> oids) throws SQLException {
            Map<Long, String> out = new HashMap<>();
            if (oids.isEmpty()) {
                return out;
            }
            Array array = c.createArrayOf("bigint", oids.toArray());
            try (PreparedStatement ps = c.prepareStatement(renderSql)) {
                ps.setArray(1, array);
                ps.setFetchSize(5000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), rs.getString(2));
                    }
                }
            }
            return out;
        }
    }
}
