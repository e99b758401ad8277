package dev.tasknode.node.schema.diff.tables;

import dev.tasknode.node.schema.diff.Comments;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.Extras;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Declarative partitioning. Partitions are not tables of their own for {@link Tables}: their columns, keys and
 * the indexes attached to the parent's follow the parent, so {@link #split} takes them out of both catalogs and
 * this class plans them (keys: {@code table:p} and {@code partition:p}, after {@code table:parent}): new partitions (CREATE TABLE … PARTITION OF, parents first), dropped ones, detached
 * ones (the model has the table, not as a partition), bound changes (detach, attach again), and a partition's own
 * indexes and constraints. A table whose partition key changes, or that becomes (or stops being) partitioned, is
 * re-created: PostgreSQL cannot change a partition key in place, and the rows are lost (destructive).
 *
 * <p>Classification: a new partition is safe, unless the parent has a default partition, whose rows PostgreSQL
 * then scans (locking; the step fails if some belong to the new bound). Attaching validates every row of the
 * table under a lock (locking). Detaching is destructive: the rows leave the partitioned table. Dropping a
 * partition loses its rows (destructive).
 */
public final class PartitionDiff {
    private PartitionDiff() {}

    /**
     * The catalogs without partitions (for the table diff), the full ones (for partitions, policies, privileges and
     * comments), and the tables re-created because their partitioning changes: what they had goes with them.
     */
    public record Split(Catalog.Schema cur, Catalog.Schema want, Catalog.Schema fullCur, Catalog.Schema fullWant,
                 Set<String> recreated) {}

    public static Split split(Catalog.Schema cur, Catalog.Schema want) {
        Extras ce = cur.extras();
        Extras we = want.extras();
        if (ce.partitions().isEmpty() && we.partitions().isEmpty() && ce.partitioned().isEmpty() && we.partitioned().isEmpty()) {
            return new Split(cur, want, cur, want, new HashSet<>());
        }
        Set<String> partitions = new HashSet<>(we.partitions().keySet());
        for (String p : ce.partitions().keySet()) {
            if (!want.tables().containsKey(p) || we.partitions().containsKey(p)) {
                partitions.add(p); // a partition the model drops, or keeps as one; else it is detached, then a table
            }
        }
        Set<String> recreated = new HashSet<>();
        for (String t : want.tables().keySet()) {
            if (!partitions.contains(t) && cur.tables().containsKey(t)
                    && !Objects.equals(ce.partitioned().get(t), we.partitioned().get(t))) {
                recreated.add(t);
            }
        }
        TreeMap<String, Catalog.Table> curTables = new TreeMap<>(cur.tables());
        curTables.keySet().removeAll(partitions);
        curTables.keySet().removeAll(recreated);
        TreeMap<String, Catalog.Table> wantTables = new TreeMap<>();
        want.tables().forEach((n, t) -> {
            if (!partitions.contains(n)) {
                wantTables.put(n, we.partitioned().containsKey(n) ? withoutOnly(t) : t);
            }
        });
        return new Split(with(cur, curTables), with(want, wantTables), cur, want, recreated);
    }

    /** pg_get_indexdef writes "ON ONLY" for a partitioned table's index: created so, it would not reach the partitions. */
    private static Catalog.Table withoutOnly(Catalog.Table t) {
        TreeMap<String, Catalog.Index> ix = new TreeMap<>();
        t.indexes().forEach((n, i) -> ix.put(n, new Catalog.Index(i.name(), i.key(),
                i.def() == null ? null : i.def().replaceFirst(" ON ONLY ", " ON "), i.unique(), i.constraint(), i.comment())));
        return new Catalog.Table(t.name(), t.columns(), t.constraints(), ix, t.comment());
    }

    private static Catalog.Schema with(Catalog.Schema s, TreeMap<String, Catalog.Table> tables) {
        return new Catalog.Schema(s.name(), s.exists(), tables, s.views(), s.sequences(), s.enums(), s.extensions(),
                s.rowEstimates(), s.storage(), s.objects(), s.extras());
    }

    /** The PARTITION BY clause of a new partitioned table, else "". */
    public static String partitionBy(Catalog.Schema want, String table) {
        String key = want.extras().partitioned().get(table);
        return key == null ? "" : " PARTITION BY " + key;
    }

    public static void diff(Differ.Ctx x, Split split) {
        Catalog.Schema cur = split.fullCur();
        Catalog.Schema want = split.fullWant();
        Map<String, Extras.Partition> have = cur.extras().partitions();
        Map<String, Extras.Partition> wanted = want.extras().partitions();
        // partitions that go with a dropped or re-created ancestor need no step of their own
        Set<String> doomed = new HashSet<>(split.recreated());
        for (Extras.Partition c : have.values()) {
            Extras.Partition w = wanted.get(c.name());
            if (w != null && !Objects.equals(cur.extras().partitioned().get(c.name()), want.extras().partitioned().get(c.name()))) {
                doomed.add(c.name()); // a sub-partitioned partition whose key changes: dropped below, created again
                split.recreated().add(c.name());
            }
        }
        boolean grew = true;
        Set<String> withAncestor = new HashSet<>();
        while (grew) {
            grew = false;
            for (Extras.Partition c : have.values()) {
                if (!withAncestor.contains(c.name()) && (doomed.contains(c.parent()) || withAncestor.contains(c.parent())
                        || !want.tables().containsKey(c.parent()))) {
                    withAncestor.add(c.name());
                    grew = true;
                }
            }
        }
        for (String t : want.tables().keySet()) {
            if (cur.tables().containsKey(t) && !have.containsKey(t) && !wanted.containsKey(t)
                    && !Objects.equals(cur.extras().partitioned().get(t), want.extras().partitioned().get(t))) {
                x.add(new Step(Phase.DROP_INDEX, "DROP TABLE " + Sql.rel(t), Safety.DESTRUCTIVE,
                        want.extras().partitioned().containsKey(t) && cur.extras().partitioned().containsKey(t)
                                ? "partition key changed: table re-created (its rows are lost)"
                                : "partitioning changed: table re-created (its rows are lost)", "table " + t, false, null)
                        .withDrops(Key.table(t)));
            }
        }
        Set<String> detached = new HashSet<>();
        for (Extras.Partition c : have.values()) {
            if (withAncestor.contains(c.name())) {
                continue;
            }
            Extras.Partition w = wanted.get(c.name());
            String obj = "partition " + c.name();
            if (doomed.contains(c.name())) {
                x.add(new Step(Phase.DROP_INDEX, "DROP TABLE " + Sql.rel(c.name()), Safety.DESTRUCTIVE,
                        "partition key changed: partition re-created (its rows are lost)", obj, false, null)
                        .withDrops(Key.table(c.name())));
            } else if (w == null && !want.tables().containsKey(c.name())) {
                x.add(new Step(Phase.DROP_INDEX, "DROP TABLE " + Sql.rel(c.name()), Safety.DESTRUCTIVE,
                        "partition not in the model (its rows are lost)", obj, false, null).withDrops(Key.table(c.name())));
            } else if (w == null || !w.parent().equals(c.parent()) || !w.bound().equals(c.bound())) {
                detached.add(c.name());
                x.add(new Step(Phase.DROP_INDEX, "ALTER TABLE " + Sql.rel(c.parent()) + " DETACH PARTITION " + Sql.rel(c.name()),
                        Safety.DESTRUCTIVE, w == null ? "partition detached: its rows leave " + c.parent()
                        : "partition bound changed: detached (its rows leave " + c.parent() + ") and attached again",
                        obj, false, null).withDrops(key(c.name())).withDependsOn(Key.table(c.parent())));
            }
        }
        for (String name : parentsFirst(wanted)) {
            Extras.Partition w = wanted.get(name);
            Extras.Partition c = have.get(name);
            boolean exists = cur.tables().containsKey(name) && !doomed.contains(name) && !withAncestor.contains(name);
            String obj = "partition " + name;
            Catalog.Table wt = want.tables().get(name);
            if (!exists) {
                boolean scansDefault = have.values().stream().anyMatch(p -> p.parent().equals(w.parent())
                        && p.bound().equals("DEFAULT") && !withAncestor.contains(p.name()) && !doomed.contains(p.name())
                        && wanted.containsKey(p.name()));
                String sql = "CREATE TABLE " + Sql.rel(name) + " PARTITION OF " + Sql.rel(w.parent()) + " " + w.bound()
                        + partitionBy(want, name);
                x.add((scansDefault && !w.bound().equals("DEFAULT")
                        ? new Step(Phase.CREATE_TABLE + 1, sql, Safety.LOCKING,
                        "new partition: the default partition is scanned for rows of its bound (fails if some are there)",
                        obj, true, null)
                        : Step.safe(Phase.CREATE_TABLE + 1, sql, obj, "new partition", true))
                        .withCreates(Key.table(name), key(name)).withDependsOn(Key.table(w.parent())));
            } else if (c == null || detached.contains(name)) {
                x.add(new Step(Phase.CREATE_TABLE + 1, "ALTER TABLE " + Sql.rel(w.parent()) + " ATTACH PARTITION "
                        + Sql.rel(name) + " " + w.bound(), Safety.LOCKING,
                        "attaching validates every row against the bound under a lock", obj, false, null)
                        .withCreates(key(name)).withDependsOn(Key.table(w.parent()), Key.table(name)));
            }
            // an existing table keeps its own indexes through DETACH / ATTACH; one attached now has the parent's
            // indexes and keys attached as the model says (c == null: judge its live ones by the model's sets)
            own(x, name, exists ? cur.tables().get(name) : null, c == null ? w : c, wt, w, exists ? cur.rows(name) : 0);
        }
    }

    /** The partition's own indexes and constraints: those not attached to or inherited from the parent's. */
    private static void own(Differ.Ctx x, String name, Catalog.Table ct, Extras.Partition c, Catalog.Table wt,
                            Extras.Partition w, long rows) {
        Map<String, Catalog.Index> ci = new TreeMap<>();
        Map<String, Catalog.Index> wi = new TreeMap<>();
        if (ct != null) {
            ct.indexes().forEach((n, i) -> {
                if (!c.attachedIndexes().contains(n)) {
                    ci.put(n, i);
                }
            });
        }
        wt.indexes().forEach((n, i) -> {
            if (!w.attachedIndexes().contains(n)) {
                wi.put(n, i);
            }
        });
        Indexes.diff(x, name, ci, wi, ct == null, rows);
        Map<String, Catalog.Constraint> ck = new TreeMap<>();
        if (ct != null) {
            ct.constraints().forEach((n, k) -> {
                if (!c.inherited().contains(n)) {
                    ck.put(n, k);
                }
            });
        }
        for (Catalog.Constraint k : ck.values()) {
            Catalog.Constraint wk = w.inherited().contains(k.name()) ? null : wt.constraints().get(k.name());
            if (wk == null || !wk.def().equals(k.def())) {
                x.add(new Step(k.type() == 'f' ? Phase.DROP_FOREIGN_KEY : Phase.DROP_CONSTRAINT, "ALTER TABLE "
                        + Sql.rel(name) + " DROP CONSTRAINT " + Sql.q(k.name()), wk == null ? Safety.DESTRUCTIVE : Safety.SAFE,
                        wk == null ? "constraint not in the model" : "re-added with the new definition below",
                        "constraint " + name + "." + k.name(), false, null).withDrops(Constraints.keys(name, k)));
            }
        }
        for (Catalog.Constraint k : wt.constraints().values()) {
            Catalog.Constraint have = ck.get(k.name());
            if (!w.inherited().contains(k.name()) && (have == null || !have.def().equals(k.def()))) {
                x.add(Constraints.add(x, name, k, ct == null ? Safety.SAFE : Safety.LOCKING, ct == null
                        ? "constraint of a new partition" : "validates every row of the partition under a lock", ct == null)
                        .withDependsOn(Key.table(name)));
            }
        }
        Comments.of(x, "TABLE", Sql.rel(name), Key.table(name), "partition " + name, ct == null ? null : ct.comment(),
                wt.comment(), ct == null);
    }

    /** The graph key of a table's membership in its partitioned table (detach, then attach again). */
    private static String key(String partition) {
        return "partition:" + partition;
    }

    /** Partitions in creation order: a sub-partitioned partition before its own partitions. */
    private static Set<String> parentsFirst(Map<String, Extras.Partition> parts) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String p : parts.keySet()) {
            visit(parts, p, out, new HashSet<>());
        }
        return out;
    }

    private static void visit(Map<String, Extras.Partition> parts, String p, LinkedHashSet<String> out, Set<String> path) {
        if (out.contains(p) || !path.add(p)) {
            return;
        }
        Extras.Partition e = parts.get(p);
        if (e != null && parts.containsKey(e.parent())) {
            visit(parts, e.parent(), out, path);
        }
        out.add(p);
    }
}
