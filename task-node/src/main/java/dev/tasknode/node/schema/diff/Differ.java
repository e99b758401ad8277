package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.diff.tables.PartitionDiff;
import dev.tasknode.node.schema.diff.tables.Sequences;
import dev.tasknode.node.schema.diff.tables.Tables;
import dev.tasknode.node.schema.diff.objects.Collations;
import dev.tasknode.node.schema.diff.objects.Composites;
import dev.tasknode.node.schema.diff.objects.Domains;
import dev.tasknode.node.schema.diff.objects.Functions;
import dev.tasknode.node.schema.diff.objects.Triggers;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compares a live catalog with the desired one (both normalized by PostgreSQL) and plans the steps, classified.
 * One file per object kind adds its steps, each saying what it creates, drops, alters and depends on
 * ({@link Step.Keys}); {@link dev.tasknode.node.schema.plan.Graph} orders them. Objects the model keeps unchanged
 * register as {@linkplain Ctx#dependent dependents}: when something they depend on is reshaped or dropped, they
 * are dropped before and re-created after. (Atlas's sql/schema diff + sql/migrate plan.)
 */
public final class Differ {
    private Differ() {}

    /** Shared state of one diff run: both catalogs, the steps so far, the dependents that may need a rebuild. */
    public static final class Ctx {
        public final Catalog.Schema cur;
        public final Catalog.Schema want;
        public final long largeRows;
        final List<Step> steps = new ArrayList<>();
        private final Map<String, Dependent> dependents = new LinkedHashMap<>();

        private record Dependent(Collection<String> liveDeps, Supplier<List<Step>> rebuild, Step instead) {}

        Ctx(Catalog.Schema cur, Catalog.Schema want, long largeRows) {
            this.cur = cur;
            this.want = want;
            this.largeRows = largeRows;
        }

        public void add(Step s) {
            steps.add(s);
        }

        /**
         * An object present on both sides and unchanged (a view, a foreign key, a function, a trigger, a policy):
         * if a step drops or reshapes something in {@code liveDeps} (what the live object depends on), the
         * object is rebuilt by the steps {@code rebuild} returns — its drop (declaring {@code drops key} and the
         * live dependencies) and its re-creation (declaring {@code creates key} and the model's dependencies).
         */
        public void dependent(String key, Collection<String> liveDeps, Supplier<List<Step>> rebuild) {
            dependents.put(key, new Dependent(liveDeps, rebuild, null));
        }

        /**
         * An object the model changes in place ({@code inPlace}, already added: a CREATE OR REPLACE) that cannot be
         * changed in place when something it depends on live is dropped or reshaped (PostgreSQL refuses that change
         * while the object depends on it, and the object's new form may need the new shape): then {@code inPlace}
         * is taken out and the object is dropped before and created after instead, as {@code rebuild} returns.
         */
        public void dependent(String key, Collection<String> liveDeps, Supplier<List<Step>> rebuild, Step inPlace) {
            dependents.put(key, new Dependent(liveDeps, rebuild, inPlace));
        }

        /** Adds the rebuilds of the dependents whose bases are dropped or reshaped, transitively. */
        void rebuildDependents() {
            Set<String> broken = new HashSet<>();
            Set<String> dropped = new HashSet<>();
            for (Step s : steps) {
                broken.addAll(s.keys().drops());
                broken.addAll(s.keys().reshapes());
                dropped.addAll(s.keys().drops());
                rowTypes(s, broken);
            }
            boolean grew = !broken.isEmpty();
            while (grew) {
                grew = false;
                for (var e : dependents.entrySet()) {
                    if (dropped.contains(e.getKey()) || e.getValue().liveDeps().stream().noneMatch(d -> hits(d, broken))) {
                        continue;
                    }
                    if (e.getValue().instead() != null) {
                        steps.remove(e.getValue().instead());
                    }
                    for (Step s : e.getValue().rebuild().get()) {
                        add(s);
                        broken.addAll(s.keys().drops());
                        dropped.addAll(s.keys().drops());
                    }
                    dropped.add(e.getKey());
                    broken.add(e.getKey());
                    grew = true;
                }
            }
        }

        /**
         * A column added to, dropped from or reshaped in an existing table changes the table's row type
         * ({@link Key#rowType}): a function returning or taking that row type, or whose SQL-standard body PostgreSQL
         * expanded ({@code SELECT *}) against the old columns, no longer matches it.
         */
        private void rowTypes(Step s, Set<String> broken) {
            for (Set<String> keys : List.of(s.keys().creates(), s.keys().drops(), s.keys().reshapes())) {
                for (String k : keys) {
                    String t = k.startsWith("column:") ? Key.parent(k) : null;
                    if (t != null && cur.tables().containsKey(t.substring("table:".length()))) {
                        broken.add(Key.rowType(t.substring("table:".length())));
                    }
                }
            }
        }

        /** {@code dep} is broken when it, its table, or (for a whole-table dependency) one of its members is. */
        private static boolean hits(String dep, Set<String> broken) {
            if (broken.contains(dep)) {
                return true;
            }
            String p = Key.parent(dep);
            if (p != null && broken.contains(p)) {
                return true;
            }
            if (dep.startsWith("table:")) {
                for (String b : broken) {
                    if (dep.equals(Key.parent(b))) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    public static Plan plan(Catalog.Schema current, Catalog.Schema desired, long largeRows) {
        // partitions are planned by PartitionDiff, not as tables of their own
        // both sides with array casts in the form that parses back to itself (ArrayCasts): equal texts stay equal,
        // and what is created is stored as a fresh build of the model stores it
        PartitionDiff.Split split = PartitionDiff.split(ArrayCasts.of(FixedPoint.canonical(current)), ArrayCasts.of(desired));
        Ctx x = new Ctx(split.cur(), split.want(), largeRows);
        if (!current.exists()) {
            x.add(Step.safe(Phase.SCHEMA, "CREATE SCHEMA IF NOT EXISTS {schema}", "schema", "new schema", true));
        }
        Extensions.diff(x);
        Collations.diff(x);
        Enums.diff(x);
        Domains.diff(x);
        Composites.diff(x);
        Sequences.diff(x);
        Tables.diff(x);
        Views.diff(x);
        Functions.diff(x);
        Triggers.diff(x);
        // these read the full catalogs (partitions too): split.fullCur() / fullWant()
        PartitionDiff.diff(x, split);
        PolicyDiff.diff(x, split);
        GrantDiff.diff(x, split);
        NoteDiff.diff(x, split);
        x.rebuildDependents();
        return new Plan(x.steps);
    }

    public static boolean differs(Object a, Object b) {
        return a == null ? b != null : !a.equals(b);
    }
}
