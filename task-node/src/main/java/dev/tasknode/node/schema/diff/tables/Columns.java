package dev.tasknode.node.schema.diff.tables;

import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.diff.Refs;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Columns of a table on both sides: added, dropped, altered. Within a column: identity and default are dropped
 * first (ALTER_COLUMN_PRE), then type and nullability (ALTER_COLUMN), then default and identity are set (POST).
 * A default is its own key ({@link Key#columnDefault}): it is dropped before what it names goes, and set after.
 */
public final class Columns {
    private Columns() {}

    private static final Pattern VARCHAR = Pattern.compile("character varying\\((\\d+)\\)");
    private static final Pattern NUMERIC = Pattern.compile("numeric\\((\\d+),(\\d+)\\)");
    private static final Pattern VOLATILE = Pattern.compile(
            "(?i)\\b(nextval|random|clock_timestamp|timeofday|gen_random_uuid|uuid_generate_v[14])\\s*\\(");

    public static void diff(Differ.Ctx x, Catalog.Table c, Catalog.Table w, long rows) {
        String t = w.name();
        for (Catalog.Column wc : w.columns()) {
            Catalog.Column cc = c.column(wc.name());
            if (cc == null) {
                add(x, t, wc);
            } else {
                alter(x, t, cc, wc);
            }
        }
        for (Catalog.Column cc : c.columns()) {
            if (w.column(cc.name()) == null) {
                x.add(new Step(Phase.DROP_COLUMN, "ALTER TABLE " + Sql.rel(t) + " DROP COLUMN " + Sql.q(cc.name()),
                        Safety.DESTRUCTIVE, "column not in the model (its values are lost)", "column " + t + "." + cc.name(),
                        false, null).withDrops(Key.column(t, cc.name())).withDependsOn(Refs.ofColumn(cc)));
            }
        }
    }

    /** The column is dropped and added again (a generation expression cannot change in place). */
    public static boolean readded(Catalog.Column cc, Catalog.Column wc) {
        return wc.generated() != null && !Objects.equals(cc.generated(), wc.generated());
    }

    private static Step added(Step s, String t, Catalog.Column wc) {
        s = s.withCreates(Key.column(t, wc.name())).withDependsOn(Refs.ofColumn(wc));
        return wc.dflt() == null ? s : s.withCreates(Key.columnDefault(t, wc.name()));
    }

    private static void add(Differ.Ctx x, String t, Catalog.Column wc) {
        String sql = "ALTER TABLE " + Sql.rel(t) + " ADD COLUMN " + Tables.columnDef(wc, x.want.identity(t, wc.name()));
        String obj = "column " + t + "." + wc.name();
        Step s;
        if (wc.generated() != null || !wc.identity().isEmpty()) {
            s = new Step(Phase.ADD_COLUMN, sql, Safety.LOCKING, "adding a generated or identity column rewrites the table",
                    obj, false, null);
        } else if (wc.dflt() != null && VOLATILE.matcher(wc.dflt()).find()) {
            s = new Step(Phase.ADD_COLUMN, sql, Safety.LOCKING, "volatile default: every row is rewritten", obj, false, null);
        } else if (wc.notNull() && wc.dflt() == null) {
            s = new Step(Phase.ADD_COLUMN, sql, Safety.SAFE, "NOT NULL without default: fails on a table with rows",
                    obj, false, null).withCheck(new Step.Check("existing rows (the new NOT NULL column has no default)",
                    "SELECT count(*) FROM " + Sql.rel(t)));
        } else {
            s = Step.safe(Phase.ADD_COLUMN, sql, obj, wc.dflt() == null ? "new nullable column"
                    : "new column, constant default (no rewrite)", false);
        }
        x.add(added(s, t, wc));
    }

    private static void alter(Differ.Ctx x, String t, Catalog.Column c, Catalog.Column w) {
        String obj = "column " + t + "." + w.name();
        String alter = "ALTER TABLE " + Sql.rel(t) + " ALTER COLUMN " + Sql.q(w.name());
        String col = Sql.q(w.name());
        String ref = Sql.rel(t);
        String key = Key.column(t, w.name());
        String dfltKey = Key.columnDefault(t, w.name());
        if (!Objects.equals(c.generated(), w.generated())) {
            if (w.generated() == null) {
                x.add(Step.safe(Phase.ALTER_COLUMN_PRE, alter + " DROP EXPRESSION", obj, "column no longer generated", false)
                        .withAlters(key));
                c = new Catalog.Column(c.name(), c.type(), c.notNull(), null, c.identity(), null, c.collation(), c.comment());
            } else {
                // PostgreSQL cannot change or add a generation expression in place: drop and re-add the column
                x.add(new Step(Phase.DROP_COLUMN, "ALTER TABLE " + ref + " DROP COLUMN " + col, Safety.DESTRUCTIVE,
                        "generation expression changed: column dropped and re-added", obj, false, null)
                        .withDrops(key).withDependsOn(Refs.ofColumn(c)));
                x.add(added(new Step(Phase.DROP_COLUMN + 1, "ALTER TABLE " + ref + " ADD COLUMN " + Tables.columnDef(w, x.want.identity(t, w.name())),
                        Safety.DESTRUCTIVE, "generation expression changed: column dropped and re-added (rewrites the table)",
                        obj, false, null), t, w));
                return;
            }
        }
        boolean typeChanges = !c.type().equals(w.type()) || !Objects.equals(c.collation(), w.collation());
        // identity off before anything else; a default must go before a type change or an identity is added
        if (!c.identity().isEmpty() && w.identity().isEmpty()) {
            x.add(Step.safe(Phase.ALTER_COLUMN_PRE, alter + " DROP IDENTITY", obj, "identity removed (its sequence is dropped)",
                    false).withAlters(key));
        }
        boolean defaultChanges = !Objects.equals(c.dflt(), w.dflt());
        if (c.dflt() != null && (defaultChanges || typeChanges)) {
            x.add(Step.safe(Phase.ALTER_COLUMN_PRE, alter + " DROP DEFAULT", obj,
                    defaultChanges ? "default changed" : "default re-set after the type change", false)
                    .withDrops(dfltKey).withDependsOn(key).withDependsOn(Refs.inExpression(c.dflt())));
        }
        if (typeChanges) {
            x.add(type(t, c, w, obj, alter).withReshapes(key).withDependsOn(Refs.ofColumn(w)));
        }
        if (c.notNull() != w.notNull()) {
            if (w.notNull()) {
                x.add(new Step(Phase.ALTER_COLUMN, alter + " SET NOT NULL", Safety.LOCKING,
                        "scans the whole table under an exclusive lock", obj, false, null)
                        .withCheck(new Step.Check("rows with NULL", "SELECT count(*) FROM " + ref + " WHERE " + col + " IS NULL"))
                        .withAlters(key));
            } else {
                // after DROP IDENTITY the column stays NOT NULL: this drops it
                x.add(Step.safe(Phase.ALTER_COLUMN, alter + " DROP NOT NULL", obj, "nullable now", false).withAlters(key));
            }
        }
        if (w.dflt() != null && (defaultChanges || typeChanges)) {
            x.add(Step.safe(Phase.ALTER_COLUMN_POST, alter + " SET DEFAULT " + w.dflt(), obj,
                    defaultChanges ? "default changed" : "default re-set after the type change", false)
                    .withCreates(dfltKey).withDependsOn(key).withDependsOn(Refs.inExpression(w.dflt())));
        } else if (c.dflt() != null && !defaultChanges) {
            // an unchanged default calling a function of this schema: PostgreSQL refuses to drop the function while
            // the default uses it, so when the plan re-creates the function the default goes before and comes back after
            List<String> calls = Refs.inExpression(c.dflt()).stream().filter(k -> k.startsWith("routine:")).toList();
            if (!calls.isEmpty()) {
                String dflt = w.dflt();
                x.dependent(dfltKey, calls, () -> List.of(
                        Step.safe(Phase.ALTER_COLUMN_PRE, alter + " DROP DEFAULT", obj,
                                "set again below: the function it calls is re-created", false)
                                .withDrops(dfltKey).withDependsOn(calls),
                        Step.safe(Phase.ALTER_COLUMN_POST, alter + " SET DEFAULT " + dflt, obj,
                                "set again: the function it calls was re-created", false)
                                .withCreates(dfltKey).withDependsOn(key).withDependsOn(Refs.inExpression(dflt))));
            }
        }
        if (!w.identity().isEmpty() && !w.identity().equals(c.identity())) {
            String kind = w.identity().equals("a") ? "ALWAYS" : "BY DEFAULT";
            if (c.identity().isEmpty()) {
                // the identity's sequence takes the name a fresh build gives it, once a serial's sequence of that
                // name is dropped (the graph puts the drop first); else PostgreSQL would name it ..._seq1
                Catalog.Sequence q = x.want.identity(t, w.name());
                Step s = Step.safe(Phase.ALTER_COLUMN_POST + 1, alter + " ADD GENERATED " + kind + " AS IDENTITY"
                        + (q == null ? "" : " (" + Tables.identityOptions(q) + ")"), obj,
                        "identity added", false)
                        .withAlters(key);
                String seq = t + "_" + w.name() + "_seq";
                x.add(seq.getBytes(StandardCharsets.UTF_8).length <= 63 ? s.withCreates(Key.sequence(seq)) : s);
                // rows already hold values (a serial's, or given by hand): the identity goes on after the largest
                x.add(Step.safe(Phase.ALTER_COLUMN_POST + 2, "DO $$BEGIN PERFORM setval(pg_get_serial_sequence("
                        + Sql.literal("{schema}." + Sql.q(t)) + ", " + Sql.literal(w.name()) + "), max(" + col + ")) FROM " + ref
                        + " HAVING max(" + col + ") >= " + (q == null ? 1 : q.start()) + "; END$$", obj,
                        "the identity goes on after the values the rows hold",
                        false).withAlters(key));
            } else {
                x.add(Step.safe(Phase.ALTER_COLUMN_POST, alter + " SET GENERATED " + kind, obj, "identity kind changed", false)
                        .withAlters(key));
            }
        }
        Catalog.Sequence cq = x.cur.identity(t, w.name());
        Catalog.Sequence wq = x.want.identity(t, w.name());
        if (!w.identity().isEmpty() && !c.identity().isEmpty() && !java.util.Objects.equals(cq, wq)) {
            Catalog.Sequence q = wq != null ? wq : new Catalog.Sequence("", "", 1, 1, 1, 0, 1, false, null);
            String max = wq != null ? " SET MAXVALUE " + q.max() : " SET NO MAXVALUE";
            x.add(Step.safe(Phase.ALTER_COLUMN_POST, alter + " SET START WITH " + q.start() + " SET INCREMENT BY " + q.increment()
                    + " SET MINVALUE " + q.min() + max + " SET CACHE " + q.cache() + (q.cycle() ? " SET CYCLE" : " SET NO CYCLE"),
                    obj, "identity options (the next value is not changed)", false).withAlters(key));
        }
    }

    /** Widening is safe (no rewrite); narrowing loses data; anything else rewrites the table. */
    private static Step type(String t, Catalog.Column c, Catalog.Column w, String obj, String alter) {
        String col = Sql.q(w.name());
        String sql = alter + " TYPE " + w.type() + (w.collation() == null ? "" : " COLLATE " + w.collation())
                + " USING " + col + "::" + w.type();
        Matcher cv = VARCHAR.matcher(c.type());
        Matcher wv = VARCHAR.matcher(w.type());
        Matcher cn = NUMERIC.matcher(c.type());
        Matcher wn = NUMERIC.matcher(w.type());
        boolean sameCollation = Objects.equals(c.collation(), w.collation());
        if (sameCollation && cv.matches() && (w.type().equals("text") || w.type().equals("character varying")
                || (wv.matches() && Integer.parseInt(wv.group(1)) >= Integer.parseInt(cv.group(1))))) {
            return Step.safe(Phase.ALTER_COLUMN, sql, obj, "widening, no rewrite", false);
        } else if (sameCollation && cv.matches() && wv.matches()) {
            int n = Integer.parseInt(wv.group(1));
            return new Step(Phase.ALTER_COLUMN, sql, Safety.DESTRUCTIVE, "narrowing " + c.type() + " to " + w.type(), obj, false,
                    new Step.Check("values longer than " + n, "SELECT count(*) FROM " + Sql.rel(t)
                            + " WHERE length(" + col + ") > " + n));
        } else if (sameCollation && cn.matches() && wn.matches() && cn.group(2).equals(wn.group(2))
                && Integer.parseInt(wn.group(1)) >= Integer.parseInt(cn.group(1))) {
            return Step.safe(Phase.ALTER_COLUMN, sql, obj, "numeric precision widened, no rewrite", false);
        } else if (sameCollation && cn.matches() && wn.matches()) {
            return new Step(Phase.ALTER_COLUMN, sql, Safety.DESTRUCTIVE, "narrowing " + c.type() + " to " + w.type()
                    + " (values rounded or rejected)", obj, false, null);
        } else if (narrowingInteger(c.type(), w.type())) {
            return new Step(Phase.ALTER_COLUMN, sql, Safety.DESTRUCTIVE, "narrowing " + c.type() + " to " + w.type(), obj,
                    false, null);
        }
        return new Step(Phase.ALTER_COLUMN, sql, Safety.LOCKING, "type change " + c.type() + " to " + w.type()
                + " rewrites the table under an exclusive lock", obj, false, null);
    }

    private static boolean narrowingInteger(String from, String to) {
        int a = intRank(from);
        int b = intRank(to);
        return a > 0 && b > 0 && b < a;
    }

    private static int intRank(String t) {
        return switch (t) {
            case "smallint" -> 1;
            case "integer" -> 2;
            case "bigint" -> 3;
            default -> 0;
        };
    }
}
