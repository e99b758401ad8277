package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;

/** COMMENT ON for every kind: set when new or changed, after the object (it depends on it). */
public final class Comments {
    private Comments() {}

    /**
     * The comment step of one object, if {@code want} differs from {@code cur} (on a new or re-created object
     * {@code cur} is null: any comment is set).
     *
     * @param what   the COMMENT ON kind ("TABLE", "COLUMN", "CONSTRAINT \"k\" ON")
     * @param target the rendered object name
     * @param key    the object's graph key
     */
    public static void of(Differ.Ctx x, String what, String target, String key, String object, String cur, String want,
                   boolean creates) {
        Step s = step(what, target, key, object, cur, want, creates);
        if (s != null) {
            x.add(s);
        }
    }

    public static Step step(String what, String target, String key, String object, String cur, String want, boolean creates) {
        if (cur == null ? want == null : !Differ.differs(cur, want)) {
            return null;
        }
        return Step.safe(Phase.COMMENT, "COMMENT ON " + what + " " + target + " IS " + Sql.literal(want), object, "comment",
                creates).withDependsOn(key);
    }
}
