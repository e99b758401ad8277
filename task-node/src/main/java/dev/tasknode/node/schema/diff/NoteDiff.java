package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.Map;

/**
 * Comments on the schema, on sequences and on columns of views and materialized views (the other kinds carry
 * their comment in their own record). Always safe. A comment of an object this plan drops goes with it; one of
 * a re-created view is set again.
 */
final class NoteDiff {
    private NoteDiff() {}

    private static final char SEP = '\u0000';

    static void comments(Differ.Ctx x, Catalog.Schema cur, Catalog.Schema want) {
        Map<String, String> have = cur.extras().comments();
        Map<String, String> wanted = want.extras().comments();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String was = kept(x, cur, want, e.getKey()) ? have.get(e.getKey()) : null;
            if (Differ.differs(was, e.getValue())) {
                add(x, cur, e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : have.entrySet()) {
            if (!wanted.containsKey(e.getKey()) && kept(x, cur, want, e.getKey())) {
                add(x, cur, e.getKey(), null);
            }
        }
    }

    /** The object of a current comment survives this plan as it is. */
    private static boolean kept(Differ.Ctx x, Catalog.Schema cur, Catalog.Schema want, String key) {
        String[] k = key.split(String.valueOf(SEP));
        return switch (k[0]) {
            case "schema" -> cur.exists();
            // identity sequences are not in the sequences map: they live as long as their column
            case "sequence" -> want.sequences().containsKey(k[1]) || !cur.sequences().containsKey(k[1]);
            default -> cur.views().containsKey(k[1]) && want.views().containsKey(k[1]) && !x.recreated.contains(k[1]);
        };
    }

    private static void add(Differ.Ctx x, Catalog.Schema cur, String key, String text) {
        String[] k = key.split(String.valueOf(SEP));
        switch (k[0]) {
            case "schema" -> x.add(Step.safe(Phase.COMMENT, Differ.comment("SCHEMA", "{schema}", text), "schema",
                    "comment", !cur.exists()));
            case "sequence" -> x.add(Step.safe(Phase.COMMENT, Differ.comment("SEQUENCE", Sql.rel(k[1]), text),
                    "sequence " + k[1], "comment", !cur.sequences().containsKey(k[1])));
            default -> x.add(Step.safe(Phase.COMMENT, Differ.comment("COLUMN", Sql.rel(k[1]) + "." + Sql.q(k[2]), text),
                    "column " + k[1] + "." + k[2], "comment", !cur.views().containsKey(k[1])));
        }
    }
}
