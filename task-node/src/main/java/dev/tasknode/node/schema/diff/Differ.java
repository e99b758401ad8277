package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares a live catalog with the desired one (both normalized by PostgreSQL) and plans the steps, in
 * dependency order and classified. Tables, columns, keys and indexes are in {@link TableDiff}; types,
 * sequences, views and extensions in {@link ObjectDiff}. (Atlas's sql/schema diff + sql/migrate plan.)
 */
public final class Differ {
    private Differ() {}

    /** Shared state of one diff run. */
    static final class Ctx {
        final Catalog.Schema cur;
        final Catalog.Schema want;
        final long largeRows;
        final List<Step> steps = new ArrayList<>();
        /** tables whose columns change type, are dropped or re-created: views reading them are re-created */
        final Set<String> reshapedTables = new HashSet<>();
        /** relations dropped and created again by this plan: their privileges, policies and comments go with them */
        final Set<String> recreated = new HashSet<>();

        Ctx(Catalog.Schema cur, Catalog.Schema want, long largeRows) {
            this.cur = cur;
            this.want = want;
            this.largeRows = largeRows;
        }

        void add(Step s) {
            steps.add(s);
        }
    }

    public static Plan plan(Catalog.Schema current, Catalog.Schema desired, long largeRows) {
        // partitions are planned by PartitionDiff, not as tables of their own
        PartitionDiff.Split split = PartitionDiff.split(current, desired);
        Ctx x = new Ctx(split.cur(), split.want(), largeRows);
        x.reshapedTables.addAll(split.recreated());
        x.recreated.addAll(split.recreated());
        if (!current.exists()) {
            x.add(Step.safe(Phase.SCHEMA, "CREATE SCHEMA IF NOT EXISTS {schema}", "schema", "new schema", true));
        }
        ObjectDiff.extensions(x);
        ObjectDiff.enums(x);
        ObjectDiff.sequences(x);
        TableDiff.tables(x);
        ObjectDiff.views(x); // after tables: needs to know which tables were reshaped
        // the kinds below need the full catalogs (partitions too) and what the steps above re-create
        PartitionDiff.partitions(x, current, desired);
        PolicyDiff.policies(x, current, desired);
        GrantDiff.grants(x, current, desired);
        NoteDiff.comments(x, current, desired);
        return new Plan(x.steps);
    }

    static String comment(String what, String target, String text) {
        return "COMMENT ON " + what + " " + target + " IS " + Sql.literal(text);
    }

    static boolean differs(Object a, Object b) {
        return a == null ? b != null : !a.equals(b);
    }
}
