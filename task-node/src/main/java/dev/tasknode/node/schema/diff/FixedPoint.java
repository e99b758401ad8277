package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.CatalogInspector;
import dev.tasknode.node.schema.model.ModelException;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Normalisation as a fixed point. PostgreSQL does not always store what it printed the way it printed it: a check
 * {@code status IN ('a','b')} on a varchar column is stored as {@code (status)::text = ANY ((ARRAY['a'::character
 * varying, ...])::text[])}, and that text, run again, is stored as {@code ... ANY (ARRAY[('a'::character
 * varying)::text, ...])}. The engine creates objects from the shadow's text, so a live object holds the text
 * stored twice and would never compare equal to the shadow's. Hence {@link #settle}: the desired catalogs are
 * built again from their own plan until PostgreSQL's text no longer changes, and that text is the desired one.
 * Every text that changed on the way is remembered with its settled form ({@link #canonical}), so a live object
 * built from the model's own text (stored once) compares equal too. Kind-agnostic: it walks the catalog records.
 */
public final class FixedPoint {
    private FixedPoint() {}

    /** How often the catalogs are rebuilt before the model is refused: PostgreSQL settles in one or two. */
    static final int ROUNDS = 4;

    /** Texts PostgreSQL rewords when it stores them, to their settled form (valid for every model: it is PG's). */
    private static final Map<String, String> SETTLED = new ConcurrentHashMap<>();

    /** The desired shared and project catalogs. */
    public record Pair(Catalog.Schema shared, Catalog.Schema project) {}

    /**
     * Builds {@code desired} again from its own plan, in scratch schemas of {@code c}'s current transaction (the
     * caller rolls it back), until it no longer changes; returns the settled catalogs.
     *
     * @throws ModelException when a text still changes after {@link #ROUNDS} rounds, naming the objects
     */
    public static Pair settle(Connection c, Pair desired, Set<String> extensions) throws SQLException {
        Pair cur = desired;
        for (int round = 1; round <= ROUNDS; round++) {
            Pair next = rebuild(c, cur, extensions);
            remember(cur.shared(), next.shared());
            remember(cur.project(), next.project());
            if (next.shared().fingerprint().equals(cur.shared().fingerprint())
                    && next.project().fingerprint().equals(cur.project().fingerprint())) {
                return next;
            }
            cur = next;
        }
        Pair last = rebuild(c, cur, extensions);
        List<String> moving = new ArrayList<>();
        Differ.plan(last.shared(), cur.shared(), Long.MAX_VALUE).steps().forEach(s -> moving.add("shared " + s.object()));
        Differ.plan(last.project(), cur.project(), Long.MAX_VALUE).steps().forEach(s -> moving.add("project " + s.object()));
        throw new ModelException("PostgreSQL rewords these objects every time it stores them, so they can never match: "
                + moving + "; write them as PostgreSQL prints them");
    }

    private static Pair rebuild(Connection c, Pair d, Set<String> extensions) throws SQLException {
        String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String shared = "tn_settle_" + tag + "_s";
        String project = "tn_settle_" + tag + "_p";
        try (Statement st = c.createStatement()) {
            run(st, Differ.plan(Catalog.absent(shared), d.shared(), Long.MAX_VALUE), shared, shared);
            run(st, Differ.plan(Catalog.absent(project), d.project(), Long.MAX_VALUE), project, shared);
        }
        Map<String, Catalog.Schema> got = CatalogInspector.inspect(c, List.of(shared, project), shared, extensions,
                CatalogInspector.Detail.RENDERED);
        return new Pair(got.get(shared), got.get(project));
    }

    private static void run(Statement st, Plan p, String schema, String shared) throws SQLException {
        st.execute("SET LOCAL search_path TO " + schema + ", public"); // as the shadow and apply run (function bodies)
        for (Step s : p.steps()) {
            if (!s.sql().startsWith("CREATE EXTENSION")) { // the shadow has them already
                st.execute(Plan.bind(s.sql(), schema, shared));
            }
        }
    }

    /** Records every string of {@code once} that differs, at the same place, in {@code twice}. */
    private static void remember(Object once, Object twice) {
        if (once instanceof String a && twice instanceof String b) {
            if (!a.equals(b)) {
                SETTLED.put(a, b);
                SETTLED.replaceAll((k, v) -> v.equals(a) ? b : v); // chains end at the settled form
            }
        } else if (once instanceof Record a && twice instanceof Record b && a.getClass() == b.getClass()) {
            for (RecordComponent rc : a.getClass().getRecordComponents()) {
                if (!rc.getName().equals("name")) { // the scratch schemas' names differ, and names are not reworded
                    remember(get(rc, a), get(rc, b));
                }
            }
        } else if (once instanceof Map<?, ?> a && twice instanceof Map<?, ?> b) {
            a.forEach((k, v) -> remember(v, b.get(k)));
        } else if (once instanceof List<?> a && twice instanceof List<?> b && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                remember(a.get(i), b.get(i));
            }
        }
    }

    /** {@code live} with every text PostgreSQL is known to reword replaced by its settled form (the same object if none). */
    public static Catalog.Schema canonical(Catalog.Schema live) {
        return SETTLED.isEmpty() ? live : (Catalog.Schema) rewrite(live, s -> SETTLED.getOrDefault(s, s), r -> false);
    }

    /**
     * {@code o} (a catalog, or any part of one) with {@code f} applied to each of its strings, records matching
     * {@code skip} left as they are; the same object where nothing changes.
     */
    static Object rewrite(Object o, java.util.function.UnaryOperator<String> f, java.util.function.Predicate<Object> skip) {
        return new Rewrite(f, skip).replace(o);
    }

    private record Rewrite(java.util.function.UnaryOperator<String> f, java.util.function.Predicate<Object> skip) {
    private Object replace(Object o) {
        if (o instanceof String s) {
            return f.apply(s);
        } else if (o instanceof Record r && skip.test(r)) {
            return o;
        } else if (o instanceof Record r) {
            RecordComponent[] rcs = r.getClass().getRecordComponents();
            Object[] args = new Object[rcs.length];
            Class<?>[] types = new Class<?>[rcs.length];
            boolean changed = false;
            for (int i = 0; i < rcs.length; i++) {
                Object v = get(rcs[i], r);
                args[i] = replace(v);
                types[i] = rcs[i].getType();
                changed |= args[i] != v;
            }
            if (!changed) {
                return o;
            }
            try {
                Constructor<?> k = r.getClass().getDeclaredConstructor(types);
                k.setAccessible(true);
                return k.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot rebuild " + r.getClass().getName(), e);
            }
        } else if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = m instanceof SortedMap<?, ?> ? new TreeMap<>() : new java.util.LinkedHashMap<>();
            boolean changed = false;
            for (var e : m.entrySet()) {
                Object v = replace(e.getValue());
                changed |= v != e.getValue();
                out.put(e.getKey(), v);
            }
            return changed ? out : o;
        } else if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            boolean changed = false;
            for (Object v : l) {
                Object x = replace(v);
                changed |= x != v;
                out.add(x);
            }
            return changed ? java.util.Collections.unmodifiableList(out) : o;
        } else if (o instanceof Set<?> s) {
            Set<Object> out = s instanceof SortedSet<?> ? new TreeSet<>() : new java.util.LinkedHashSet<>();
            boolean changed = false;
            for (Object v : s) {
                Object x = replace(v);
                changed |= x != v;
                out.add(x);
            }
            return changed ? out : o;
        }
        return o; // numbers, booleans, chars
    }
    }

    private static Object get(RecordComponent rc, Object r) {
        try {
            var m = rc.getAccessor();
            m.setAccessible(true);
            return m.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
