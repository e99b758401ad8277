package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.diff.tables.PartitionDiff;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.List;
import java.util.Map;

/**
 * Comments on the schema, on sequences and on columns of views and materialized views (the other kinds carry
 * their comment in their own record). Always safe. A comment of an object this plan drops goes with it; a view
 * column's is set again when the view is re-created.
 */
final class NoteDiff {
    private NoteDiff() {}

    private static final char SEP = '\u0000';

    static void diff(Differ.Ctx x, PartitionDiff.Split split) {
        Catalog.Schema cur = split.fullCur();
        Catalog.Schema want = split.fullWant();
        Map<String, String> have = cur.extras().comments();
        Map<String, String> wanted = want.extras().comments();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String was = kept(cur, want, e.getKey()) ? have.get(e.getKey()) : null;
            if (Differ.differs(was, e.getValue())) {
                x.add(step(cur, e.getKey(), e.getValue()));
            } else if (e.getKey().startsWith("column")) {
                // a view column's comment is set again when the view is re-created (the graph decides that later)
                String view = e.getKey().split(String.valueOf(SEP))[1];
                x.dependent("comment:" + e.getKey().replace(SEP, '/'), List.of(Key.view(view)),
                        () -> List.of(step(cur, e.getKey(), e.getValue())));
            }
        }
        for (Map.Entry<String, String> e : have.entrySet()) {
            if (!wanted.containsKey(e.getKey()) && kept(cur, want, e.getKey())) {
                x.add(step(cur, e.getKey(), null));
            }
        }
    }

    /** The object of a current comment survives this plan. */
    private static boolean kept(Catalog.Schema cur, Catalog.Schema want, String key) {
        String[] k = key.split(String.valueOf(SEP));
        return switch (k[0]) {
            case "schema" -> cur.exists();
            // identity sequences are not in the sequences map: they live as long as their column
            case "sequence" -> want.sequences().containsKey(k[1]) || !cur.sequences().containsKey(k[1]);
            default -> cur.views().containsKey(k[1]) && want.views().containsKey(k[1]);
        };
    }

    private static Step step(Catalog.Schema cur, String key, String text) {
        String[] k = key.split(String.valueOf(SEP));
        String sql = "COMMENT ON ";
        return switch (k[0]) {
            case "schema" -> Step.safe(Phase.COMMENT, sql + "SCHEMA {schema} IS " + Sql.literal(text), "schema",
                    "comment", !cur.exists());
            case "sequence" -> Step.safe(Phase.COMMENT, sql + "SEQUENCE " + Sql.rel(k[1]) + " IS " + Sql.literal(text),
                    "sequence " + k[1], "comment", !cur.sequences().containsKey(k[1])).withDependsOn(Key.sequence(k[1]));
            default -> Step.safe(Phase.COMMENT, sql + "COLUMN " + Sql.rel(k[1]) + "." + Sql.q(k[2]) + " IS "
                    + Sql.literal(text), "column " + k[1] + "." + k[2], "comment", !cur.views().containsKey(k[1]))
                    .withDependsOn(Key.view(k[1]));
        };
    }
}
