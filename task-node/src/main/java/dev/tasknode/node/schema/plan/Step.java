package dev.tasknode.node.schema.plan;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * One planned DDL statement. {@code sql} is a template: {@code {schema}} / {@code {shared}} stand for the schema
 * being migrated and the shared schema, so one plan serves every schema of a group. (Atlas's sql/migrate
 * Change with its classification.)
 *
 * <p>Order comes from {@link Graph}: each step says, through {@code with…}, which objects (keys, see {@link Key})
 * it creates, drops, alters or reshapes and which objects it depends on. A step that declares nothing keeps its
 * {@code phase} position.
 *
 * @param phase   tie-breaker between steps the graph does not order (see {@link Phase}); then diff order
 * @param object  what the statement is about ("table tasks", "column tasks.title")
 * @param creates true when it only creates something absent (create_tables runs exactly these)
 * @param check   data check to run before applying on each schema, or null
 * @param keys    the objects the statement touches and needs (the graph's input)
 */
public record Step(int phase, String sql, Safety safety, String reason, String object, boolean creates, Check check,
                   Keys keys) {
    public enum Safety {
        SAFE, LOCKING, DESTRUCTIVE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A count query whose non-zero result means the statement would fail or lose data.
     *
     * @param sql template returning one count
     */
    public record Check(String description, String sql) {}

    /**
     * What a step does to which objects. {@code dependsOn} means, for a step that only drops: what the dropped
     * object depends on in the live catalog (it goes before those are dropped or altered); for any other step: what
     * the object depends on in the model (it goes after those are created or altered).
     *
     * @param reshapes keys altered so that their dependents cannot survive (a column's type, an enum re-created,
     *                 a key re-created): the differ drops those dependents before and re-creates them after
     */
    public record Keys(Set<String> creates, Set<String> drops, Set<String> alters, Set<String> reshapes,
                       Set<String> dependsOn) {
        public static final Keys NONE = new Keys(Set.of(), Set.of(), Set.of(), Set.of(), Set.of());

        public boolean isEmpty() {
            return creates.isEmpty() && drops.isEmpty() && alters.isEmpty() && dependsOn.isEmpty();
        }

        /** Only drops: its {@code dependsOn} describes the live object. */
        public boolean onlyDrops() {
            return !drops.isEmpty() && creates.isEmpty() && alters.isEmpty();
        }

        /** The first object named, for messages: created, else altered, else dropped. */
        public String primary() {
            for (Set<String> s : List.of(creates, alters, drops)) {
                if (!s.isEmpty()) {
                    return s.iterator().next();
                }
            }
            return null;
        }
    }

    /** The constructor every branch uses: no graph data, ordered by phase. */
    public Step(int phase, String sql, Safety safety, String reason, String object, boolean creates, Check check) {
        this(phase, sql, safety, reason, object, creates, check, Keys.NONE);
    }

    public Step {
        keys = keys == null ? Keys.NONE : keys;
    }

    public static Step safe(int phase, String sql, String object, String reason, boolean creates) {
        return new Step(phase, sql, Safety.SAFE, reason, object, creates, null);
    }

    public Step withCheck(Check c) {
        return new Step(phase, sql, safety, reason, object, creates, c, keys);
    }

    public Step withCreates(String... k) {
        return with(plus(keys.creates(), List.of(k)), keys.drops(), keys.alters(), keys.reshapes(), keys.dependsOn());
    }

    public Step withDrops(String... k) {
        return with(keys.creates(), plus(keys.drops(), List.of(k)), keys.alters(), keys.reshapes(), keys.dependsOn());
    }

    public Step withAlters(String... k) {
        return with(keys.creates(), keys.drops(), plus(keys.alters(), List.of(k)), keys.reshapes(), keys.dependsOn());
    }

    /** Alters {@code k} so that what depends on it must be dropped before and re-created after. */
    public Step withReshapes(String... k) {
        return with(keys.creates(), keys.drops(), plus(keys.alters(), List.of(k)), plus(keys.reshapes(), List.of(k)),
                keys.dependsOn());
    }

    public Step withDependsOn(Collection<String> k) {
        return with(keys.creates(), keys.drops(), keys.alters(), keys.reshapes(), plus(keys.dependsOn(), k));
    }

    public Step withDependsOn(String... k) {
        return withDependsOn(List.of(k));
    }

    private Step with(Set<String> c, Set<String> d, Set<String> a, Set<String> r, Set<String> n) {
        return new Step(phase, sql, safety, reason, object, creates, check, new Keys(c, d, a, r, n));
    }

    /** Insertion order kept (the first created key is the step's primary object). */
    private static Set<String> plus(Set<String> a, Collection<String> b) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>(a);
        for (String k : b) {
            if (k != null) {
                out.add(k);
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }
}
