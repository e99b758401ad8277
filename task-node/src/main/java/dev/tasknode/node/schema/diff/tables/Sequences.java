package dev.tasknode.node.schema.diff.tables;

import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;

/** Sequences, their options and OWNED BY. */
public final class Sequences {
    private Sequences() {}

    public static void diff(Differ.Ctx x) {
        for (Catalog.Sequence w : x.want.sequences().values()) {
            Catalog.Sequence c = x.cur.sequences().get(w.name());
            String ref = Sql.rel(w.name());
            String key = Key.sequence(w.name());
            if (c == null) {
                x.add(Step.safe(Phase.SEQUENCE, "CREATE " + Storage.persistence(x.want.options(w.name())) + "SEQUENCE "
                        + ref + " AS " + w.type() + " INCREMENT BY " + w.increment()
                        + " MINVALUE " + w.min() + " MAXVALUE " + w.max() + " START WITH " + w.start() + " CACHE " + w.cache()
                        + (w.cycle() ? " CYCLE" : " NO CYCLE"), "sequence " + w.name(), "new sequence", true).withCreates(key));
            } else {
                Storage.alter(x, "SEQUENCE", w.name(), key);
                StringBuilder alter = new StringBuilder();
                if (!c.type().equals(w.type())) alter.append(" AS ").append(w.type());
                if (c.increment() != w.increment()) alter.append(" INCREMENT BY ").append(w.increment());
                if (c.min() != w.min()) alter.append(" MINVALUE ").append(w.min());
                if (c.max() != w.max()) alter.append(" MAXVALUE ").append(w.max());
                if (c.start() != w.start()) alter.append(" START WITH ").append(w.start());
                if (c.cache() != w.cache()) alter.append(" CACHE ").append(w.cache());
                if (c.cycle() != w.cycle()) alter.append(w.cycle() ? " CYCLE" : " NO CYCLE");
                if (!alter.isEmpty()) {
                    x.add(Step.safe(Phase.SEQUENCE, "ALTER SEQUENCE " + ref + alter, "sequence " + w.name(),
                            "sequence options", false).withAlters(key));
                }
            }
            if (c == null ? w.ownedBy() != null : Differ.differs(c.ownedBy(), w.ownedBy())) {
                String owner = w.ownedBy() == null ? "NONE" : ownedBy(w.ownedBy());
                // its own key, not an alter of the sequence: a table whose default reads the sequence comes between
                Step s = Step.safe(Phase.SEQUENCE_OWNED, "ALTER SEQUENCE " + ref + " OWNED BY " + owner,
                        "sequence " + w.name(), "sequence owner", c == null);
                String link = Key.sequenceOwner(w.name());
                x.add(w.ownedBy() == null ? s.withDrops(link).withDependsOn(ownerKey(c.ownedBy()))
                        : s.withCreates(link).withDependsOn(key, ownerKey(w.ownedBy())));
            }
        }
        for (Catalog.Sequence c : x.cur.sequences().values()) {
            if (!x.want.sequences().containsKey(c.name())) {
                // IF EXISTS: a sequence owned by a dropped table is gone with it
                boolean byIdentity = becomesIdentity(x, c.ownedBy());
                x.add(new Step(Phase.DROP_SEQUENCE, "DROP SEQUENCE IF EXISTS " + Sql.rel(c.name()),
                        byIdentity ? Step.Safety.SAFE : Step.Safety.DESTRUCTIVE, byIdentity
                        ? "a serial's sequence: its column becomes an identity that goes on from the rows' values"
                        : "sequence not in the model", "sequence " + c.name(), false, null).withDrops(Key.sequence(c.name())));
            }
        }
    }

    /** The column owning a sequence is an identity column in the model (and is not one live): serial to identity. */
    private static boolean becomesIdentity(Differ.Ctx x, String ownedBy) {
        if (ownedBy == null) {
            return false;
        }
        int dot = ownedBy.indexOf('.');
        Catalog.Table wt = x.want.tables().get(ownedBy.substring(0, dot));
        Catalog.Table ct = x.cur.tables().get(ownedBy.substring(0, dot));
        Catalog.Column w = wt == null ? null : wt.column(ownedBy.substring(dot + 1));
        Catalog.Column c = ct == null ? null : ct.column(ownedBy.substring(dot + 1));
        return w != null && c != null && !w.identity().isEmpty() && c.identity().isEmpty();
    }

    private static String ownerKey(String tableDotColumn) {
        int dot = tableDotColumn.indexOf('.');
        return Key.column(tableDotColumn.substring(0, dot), tableDotColumn.substring(dot + 1));
    }

    private static String ownedBy(String tableDotColumn) {
        int dot = tableDotColumn.indexOf('.');
        return Sql.rel(tableDotColumn.substring(0, dot)) + "." + Sql.q(tableDotColumn.substring(dot + 1));
    }
}
