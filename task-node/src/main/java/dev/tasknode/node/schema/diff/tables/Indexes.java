package dev.tasknode.node.schema.diff.tables;

import dev.tasknode.node.schema.diff.Comments;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.diff.Refs;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Indexes that no constraint owns (those come and go with the constraint), on tables and materialized views. */
public final class Indexes {
    private Indexes() {}

    private static final Pattern INDEX_PARTS = Pattern.compile(
            "^CREATE UNIQUE INDEX \\S+ ON \\S+ USING btree \\((.*?)\\)(?: INCLUDE \\(.*?\\))?(?: WHERE \\((.*)\\))?$");

    /** The columns of the index, or the whole relation when it has expressions; what its expressions name. */
    public static Set<String> deps(String relationKey, String t, Catalog.Index i) {
        Set<String> out = new LinkedHashSet<>();
        List<String> cols = Refs.indexColumns(i, false);
        if (cols == null || relationKey.startsWith("view:")) {
            out.add(relationKey);
        } else {
            out.addAll(Refs.columns(t, cols));
            if (!i.key().endsWith(" WHERE")) {
                out.add(relationKey); // a predicate may read any column
            }
        }
        out.addAll(Refs.inExpression(i.key()));
        return out;
    }

    /**
     * @param relationKey {@code table:t} or {@code view:m}
     * @param newTable    true when the relation is created by this plan (create_tables runs these steps)
     */
    public static void diff(Differ.Ctx x, String relationKey, String t, Map<String, Catalog.Index> cur,
                     Map<String, Catalog.Index> want, boolean newTable, long rows) {
        for (Catalog.Index c : cur.values()) {
            if (c.constraint()) {
                continue;
            }
            Catalog.Index w = want.get(c.name());
            if (w == null || w.constraint() || !w.key().equals(c.key())) {
                x.add(new Step(Phase.DROP_INDEX, "DROP INDEX {schema}." + Sql.q(c.name()),
                        w == null ? Safety.DESTRUCTIVE : Safety.SAFE,
                        w == null ? "index not in the model" : "re-created with the new definition below",
                        "index " + c.name(), false, null).withDrops(Key.index(c.name()))
                        .withDependsOn(deps(relationKey, t, c)));
            }
        }
        for (Catalog.Index w : want.values()) {
            if (w.constraint()) {
                continue;
            }
            Catalog.Index c = cur.get(w.name());
            boolean create = c == null || c.constraint() || !c.key().equals(w.key());
            if (create) {
                x.add(create(x, relationKey, t, w, newTable, rows));
            } else if (!Refs.inExpression(c.key()).isEmpty()) {
                // an expression or predicate naming a type (an enum literal) is parsed again when the type is re-created
                x.dependent(Key.index(c.name()), Refs.inExpression(c.key()), () -> List.of(
                        new Step(Phase.DROP_INDEX, "DROP INDEX {schema}." + Sql.q(c.name()), Safety.SAFE,
                                "dropped and re-created below: a type it names is re-created", "index " + c.name(), false,
                                null).withDrops(Key.index(c.name())).withDependsOn(deps(relationKey, t, c)),
                        create(x, relationKey, t, w, false, rows)));
            }
            Comments.of(x, "INDEX", "{schema}." + Sql.q(w.name()), Key.index(w.name()), "index " + w.name(),
                    create ? null : c.comment(), w.comment(), newTable);
        }
    }

    public static void diff(Differ.Ctx x, String t, Map<String, Catalog.Index> cur, Map<String, Catalog.Index> want,
                     boolean newTable, long rows) {
        diff(x, Key.table(t), t, cur, want, newTable, rows);
    }

    public static Step create(Differ.Ctx x, String relationKey, String t, Catalog.Index w, boolean newTable, long rows) {
        boolean large = rows >= x.largeRows;
        Step s = new Step(Phase.CREATE_INDEX, w.def(), newTable || !large ? Safety.SAFE : Safety.LOCKING,
                newTable ? "index of a new table" : large ? "blocks writes while it builds over ~" + rows + " rows"
                        : "small table (~" + rows + " rows)", "index " + w.name(), newTable, null)
                .withCreates(Key.index(w.name())).withDependsOn(deps(relationKey, t, w));
        Matcher m = INDEX_PARTS.matcher(w.def());
        if (!newTable && w.unique() && m.matches()) {
            s = s.withCheck(Constraints.duplicates(Sql.rel(t), m.group(1), m.group(2), !w.def().contains("NULLS NOT DISTINCT")));
        }
        return s;
    }
}
