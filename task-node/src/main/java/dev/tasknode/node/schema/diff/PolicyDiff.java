package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.diff.tables.PartitionDiff;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.Extras;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Row-level security (ENABLE / FORCE) and policies.
 *
 * <p>Classification. Creating a policy the model has is safe. Dropping one is destructive either way: a
 * permissive policy that goes takes away the rows it let through (access removed), a restrictive one takes away
 * its condition (a guard removed). A policy changed in place (ALTER POLICY: roles, USING, WITH CHECK) or
 * re-created (its command or permissive/restrictive changed, or an expression removed, which ALTER POLICY cannot
 * do) is safe: the model states the new access, and the statements run in one transaction, so no moment exists
 * without the policy. Turning RLS or FORCE on is safe when the model gives the table a permissive policy, and
 * destructive when it does not: then no role but the owner (with FORCE, not even the owner) reads or writes a
 * row. Turning either off is destructive: the guard goes.
 *
 * <p>Order (graph): a policy depends on its table and what its expressions name; it is dropped before they
 * change and created after. A policy on a table whose columns are reshaped is dropped before and re-created
 * after, in its new form when it changes (PostgreSQL refuses to change the type of a column a policy uses, so
 * an ALTER POLICY after the change would come too late). RLS is turned on after
 * the table's policies exist.
 */
final class PolicyDiff {
    private PolicyDiff() {}

    static void diff(Differ.Ctx x, PartitionDiff.Split split) {
        Catalog.Schema cur = split.fullCur();
        Catalog.Schema want = split.fullWant();
        Map<String, Extras.Policy> have = new TreeMap<>();
        cur.extras().policies().forEach((k, p) -> {
            if (present(split, p.table())) {
                have.put(k, p);
            }
        });
        Map<String, Extras.Policy> wanted = want.extras().policies();
        for (Extras.Policy c : have.values()) {
            Extras.Policy w = wanted.get(c.table() + "." + c.name());
            if (w == null) {
                x.add(drop(c, Safety.DESTRUCTIVE, c.permissive()
                        ? "permissive policy not in the model: the rows it let through are no longer reachable"
                        : "restrictive policy not in the model: its guard no longer applies"));
            } else if (!recreatable(c, w)) {
                x.add(drop(c, Safety.SAFE, "re-created below (command, kind or expression removed)"));
            }
        }
        for (Extras.Policy w : wanted.values()) {
            Extras.Policy c = have.get(w.table() + "." + w.name());
            boolean isNew = !cur.tables().containsKey(w.table()) || split.recreated().contains(w.table());
            boolean create = c == null || !recreatable(c, w);
            if (create) {
                x.add(create(w, c == null ? "new policy" : "policy re-created", isNew));
            } else {
                Step alter = alterInPlace(x, c, w);
                // rebuilt around changes of what it reads (a column used by a policy cannot change type); a changed
                // one is then created in its new form instead of altered
                x.dependent(key(c), deps(c), () -> {
                    if (alter != null) {
                        x.steps.remove(alter);
                    }
                    return List.of(drop(c, Safety.SAFE, "dropped and re-created below: what it reads changes"),
                            create(w, "re-created after what it reads changes", false));
                });
            }
            Comments.of(x, "POLICY " + Sql.q(w.name()) + " ON", Sql.rel(w.table()), key(w), obj(w),
                    create ? null : c.comment(), w.comment(), isNew);
        }
        rls(x, split);
    }

    /**
     * Graph key. Not a member key ({@code policy:t.p}): a policy is no part of the table's shape, so views over
     * the table need no rebuild when it changes, and two policies of one table do not depend on each other.
     */
    static String key(Extras.Policy p) {
        return "policy:" + p.table() + "/" + p.name();
    }

    /** What a policy reads: its table (any column of it) and what its expressions name. */
    private static Set<String> deps(Extras.Policy p) {
        Set<String> out = new LinkedHashSet<>();
        out.add(Key.table(p.table()));
        out.addAll(Refs.inExpression(p.using()));
        out.addAll(Refs.inExpression(p.check()));
        return out;
    }

    /** A table the model keeps and this plan does not re-create: its current policies and flags stay. */
    static boolean present(PartitionDiff.Split split, String table) {
        return split.fullCur().tables().containsKey(table) && split.fullWant().tables().containsKey(table)
                && !split.recreated().contains(table);
    }

    /** True when ALTER POLICY can turn {@code c} into {@code w} (it cannot remove an expression). */
    private static boolean recreatable(Extras.Policy c, Extras.Policy w) {
        return c.permissive() == w.permissive() && c.command().equals(w.command())
                && (c.using() == null || w.using() != null) && (c.check() == null || w.check() != null);
    }

    /** The ALTER POLICY step added, or null when nothing changed. */
    private static Step alterInPlace(Differ.Ctx x, Extras.Policy c, Extras.Policy w) {
        StringBuilder sb = new StringBuilder();
        if (!c.roles().equals(w.roles())) {
            sb.append(" TO ").append(roles(w));
        }
        if (!Objects.equals(c.using(), w.using())) {
            sb.append(" USING (").append(w.using()).append(')');
        }
        if (!Objects.equals(c.check(), w.check())) {
            sb.append(" WITH CHECK (").append(w.check()).append(')');
        }
        if (sb.isEmpty()) {
            return null;
        }
        Step s = Step.safe(Phase.COMMENT, "ALTER POLICY " + Sql.q(w.name()) + " ON " + Sql.rel(w.table()) + sb, obj(w),
                "policy changed in place (access follows the new definition)", false).withAlters(key(w))
                .withDependsOn(deps(w));
        x.add(s);
        return s;
    }

    private static void rls(Differ.Ctx x, PartitionDiff.Split split) {
        Catalog.Schema cur = split.fullCur();
        Catalog.Schema want = split.fullWant();
        Extras.Rls off = new Extras.Rls(false, false);
        for (String t : want.tables().keySet()) {
            Extras.Rls w = want.extras().rls().getOrDefault(t, off);
            boolean kept = present(split, t);
            Extras.Rls c = kept ? cur.extras().rls().getOrDefault(t, off) : off;
            List<String> policies = want.extras().policies().values().stream().filter(p -> p.table().equals(t))
                    .map(PolicyDiff::key).toList();
            boolean permissive = want.extras().policies().values().stream()
                    .anyMatch(p -> p.table().equals(t) && p.permissive());
            String alter = "ALTER TABLE " + Sql.rel(t);
            String obj = "table " + t;
            List<Step> steps = new ArrayList<>();
            if (w.enabled() != c.enabled()) {
                steps.add(w.enabled() ? on(alter + " ENABLE ROW LEVEL SECURITY", obj, kept, permissive,
                        "row-level security on: rows follow the table's policies",
                        "row-level security on without a permissive policy: no role but the owner reads or writes a row")
                        : new Step(Phase.COMMENT, alter + " DISABLE ROW LEVEL SECURITY", Safety.DESTRUCTIVE,
                        "row-level security off: the policies no longer guard the table", obj, false, null));
            }
            if (w.forced() != c.forced()) {
                steps.add(w.forced() ? on(alter + " FORCE ROW LEVEL SECURITY", obj, kept, permissive,
                        "forced row-level security: the owner too is bound by the policies",
                        "forced row-level security without a permissive policy: not even the owner reads or writes a row")
                        : new Step(Phase.COMMENT, alter + " NO FORCE ROW LEVEL SECURITY", Safety.DESTRUCTIVE,
                        "row-level security no longer forced: the owner bypasses the policies", obj, false, null));
            }
            // on after the table and its policies exist
            steps.forEach(s -> x.add(s.withAlters("rls:" + t).withDependsOn(Key.table(t)).withDependsOn(policies)));
        }
    }

    private static Step on(String sql, String obj, boolean kept, boolean permissive, String guarded, String lockout) {
        if (!kept) {
            return Step.safe(Phase.COMMENT, sql, obj, "row-level security of a new table", true);
        }
        return permissive ? Step.safe(Phase.COMMENT, sql, obj, guarded, false)
                : new Step(Phase.COMMENT, sql, Safety.DESTRUCTIVE, lockout, obj, false, null);
    }

    private static String create(Extras.Policy p) {
        StringBuilder sb = new StringBuilder("CREATE POLICY ").append(Sql.q(p.name())).append(" ON ").append(Sql.rel(p.table()))
                .append(p.permissive() ? " AS PERMISSIVE" : " AS RESTRICTIVE").append(" FOR ").append(p.command())
                .append(" TO ").append(roles(p));
        if (p.using() != null) {
            sb.append(" USING (").append(p.using()).append(')');
        }
        if (p.check() != null) {
            sb.append(" WITH CHECK (").append(p.check()).append(')');
        }
        return sb.toString();
    }

    private static Step create(Extras.Policy w, String reason, boolean isNew) {
        return Step.safe(Phase.COMMENT, create(w), obj(w), reason, isNew).withCreates(key(w)).withDependsOn(deps(w));
    }

    private static Step drop(Extras.Policy c, Safety safety, String reason) {
        return new Step(Phase.DROP_VIEW, "DROP POLICY " + Sql.q(c.name()) + " ON " + Sql.rel(c.table()), safety, reason,
                obj(c), false, null).withDrops(key(c)).withDependsOn(deps(c));
    }

    static String roles(Extras.Policy p) {
        return p.roles().isEmpty() ? "PUBLIC" : p.roles().stream().map(Sql::q).collect(Collectors.joining(", "));
    }

    private static String obj(Extras.Policy p) {
        return "policy " + p.table() + "." + p.name();
    }
}
