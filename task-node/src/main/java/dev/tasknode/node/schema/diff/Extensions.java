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
                String v = x.want.objects().extensionVersions().get(e); // pinned (kinds-a: ExtensionVersions)
                x.add(Step.safe(Phase.EXTENSION, "CREATE EXTENSION IF NOT EXISTS " + Sql.q(e) + " WITH SCHEMA public"
                        + (v == null ? "" : " VERSION " + Sql.literal(v)), "extension " + e, "extension the model needs",
                        true).withCreates(Key.extension(e)));
            } else {
                String v = x.want.objects().extensionVersions().get(e);
                String have = x.cur.objects().extensionVersions().get(e);
                if (v != null && !v.equals(have)) {
                    x.add(new Step(Phase.EXTENSION, "ALTER EXTENSION " + Sql.q(e) + " UPDATE TO " + Sql.literal(v),
                            Step.Safety.LOCKING, "extension version " + have + " → " + v
                            + ": database-wide, the extension's objects change for every schema", "extension " + e, false,
                            null).withAlters(Key.extension(e)));
                }
            }
        }
    }
}
