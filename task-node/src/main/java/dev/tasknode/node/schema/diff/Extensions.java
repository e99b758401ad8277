package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;

/** Extensions the model needs. */
final class Extensions {
    private Extensions() {}

    static void diff(Differ.Ctx x) {
        for (String e : x.want.extensions()) {
            if (!x.cur.extensions().contains(e)) {
                // in public, like an unqualified CREATE EXTENSION would: types then render as public.<type> everywhere
                x.add(Step.safe(Phase.EXTENSION, "CREATE EXTENSION IF NOT EXISTS " + Sql.q(e) + " WITH SCHEMA public",
                        "extension " + e, "extension the model needs", true).withCreates(Key.extension(e)));
            }
        }
    }
}
