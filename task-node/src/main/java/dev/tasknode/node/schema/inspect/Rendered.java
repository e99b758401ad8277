package dev.tasknode.node.schema.inspect;

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
import java.util.function.Consumer;

/**
 * Definitions PostgreSQL renders (pg_get_constraintdef, pg_get_expr, pg_get_triggerdef), rendered once per distinct raw form instead
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

    private synchronized void count(long r, long u) {
        renders += r;
        reused += u;
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
            count(raw.size(), reusedHere);
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
