package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * One column present on both sides. Order within the column: identity and default are dropped first
 * (ALTER_COLUMN_PRE), then type and nullability (ALTER_COLUMN), then default and identity are set (POST).
 */
final class ColumnDiff {
    private ColumnDiff() {}

    static void alter(Differ.Ctx x, String t, Catalog.Column c, Catalog.Column w, long rows) {
        String obj = "column " + t + "." + w.name();
        String alter = "ALTER TABLE " + Sql.rel(t) + " ALTER COLUMN " + Sql.q(w.name());
        String col = Sql.q(w.name());
        String ref = Sql.rel(t);
        if (!Objects.equals(c.generated(), w.generated())) {
            if (w.generated() == null && c.generated() != null) {
                x.add(Step.safe(Phase.ALTER_COLUMN_PRE, alter + " DROP EXPRESSION", obj, "column no longer generated", false));
                c = new Catalog.Column(c.name(), c.type(), c.notNull(), null, c.identity(), null, c.collation(), c.comment());
            } else {
                // PostgreSQL cannot change or add a generation expression in place: drop and re-add the column
                x.reshapedTables.add(t);
                x.add(new Step(Phase.DROP_COLUMN, "ALTER TABLE " + ref + " DROP COLUMN " + col, Safety.DESTRUCTIVE,
                        "generation expression changed: column dropped and re-added", obj, false, null));
                x.add(new Step(Phase.DROP_COLUMN + 1, "ALTER TABLE " + ref + " ADD COLUMN " + TableDiff.columnDef(w),
                        Safety.DESTRUCTIVE, "generation expression changed: column dropped and re-added (rewrites the table)",
                        obj, false, null));
                return;
            }
        }
        boolean typeChanges = !c.type().equals(w.type()) || !Objects.equals(c.collation(), w.collation());
        // identity off before anything else; a default must go before a type change or an identity is added
        if (!c.identity().isEmpty() && w.identity().isEmpty()) {
            x.add(Step.safe(Phase.ALTER_COLUMN_PRE, alter + " DROP IDENTITY", obj, "identity removed (its sequence is dropped)", false));
        }
        boolean defaultChanges = !Objects.equals(c.dflt(), w.dflt());
        if (c.dflt() != null && (defaultChanges || typeChanges)) {
            x.add(Step.safe(Phase.ALTER_COLUMN_PRE, alter + " DROP DEFAULT", obj,
                    defaultChanges ? "default changed" : "default re-set after the type change", false));
        }
        if (typeChanges) {
            type(x, t, c, w, obj, alter);
        }
        if (c.notNull() != w.notNull()) {
            if (w.notNull()) {
                x.add(new Step(Phase.ALTER_COLUMN, alter + " SET NOT NULL", Safety.LOCKING,
                        "scans the whole table under an exclusive lock", obj, false, null)
                        .withCheck(new Step.Check("rows with NULL", "SELECT count(*) FROM " + ref + " WHERE " + col + " IS NULL")));
            } else {
                // after DROP IDENTITY the column stays NOT NULL: this drops it
                x.add(Step.safe(Phase.ALTER_COLUMN, alter + " DROP NOT NULL", obj, "nullable now", false));
            }
        }
        if (w.dflt() != null && (defaultChanges || typeChanges)) {
            x.add(Step.safe(Phase.ALTER_COLUMN_POST, alter + " SET DEFAULT " + w.dflt(), obj,
                    defaultChanges ? "default changed" : "default re-set after the type change", false));
        }
        if (!w.identity().isEmpty() && !w.identity().equals(c.identity())) {
            String kind = w.identity().equals("a") ? "ALWAYS" : "BY DEFAULT";
            if (c.identity().isEmpty()) {
                x.add(Step.safe(Phase.ALTER_COLUMN_POST + 1, alter + " ADD GENERATED " + kind + " AS IDENTITY", obj,
                        "identity added (new sequence starts at 1: set it past existing values if the table has rows)", false));
            } else {
                x.add(Step.safe(Phase.ALTER_COLUMN_POST, alter + " SET GENERATED " + kind, obj, "identity kind changed", false));
            }
        }
    }

    /** Widening is safe (no rewrite); narrowing loses data; anything else rewrites the table. */
    private static void type(Differ.Ctx x, String t, Catalog.Column c, Catalog.Column w, String obj, String alter) {
        x.reshapedTables.add(t);
        String col = Sql.q(w.name());
        String sql = alter + " TYPE " + w.type() + (w.collation() == null ? "" : " COLLATE " + w.collation())
                + " USING " + col + "::" + w.type();
        Matcher cv = TableDiff.varchar(c.type());
        Matcher wv = TableDiff.varchar(w.type());
        Matcher cn = TableDiff.numeric(c.type());
        Matcher wn = TableDiff.numeric(w.type());
        boolean sameCollation = Objects.equals(c.collation(), w.collation());
        Step s;
        if (sameCollation && cv.matches() && (w.type().equals("text") || w.type().equals("character varying")
                || (wv.matches() && Integer.parseInt(wv.group(1)) >= Integer.parseInt(cv.group(1))))) {
            s = Step.safe(Phase.ALTER_COLUMN, sql, obj, "widening, no rewrite", false);
        } else if (sameCollation && cv.matches() && wv.matches()) {
            int n = Integer.parseInt(wv.group(1));
            s = new Step(Phase.ALTER_COLUMN, sql, Safety.DESTRUCTIVE, "narrowing " + c.type() + " to " + w.type(), obj, false,
                    new Step.Check("values longer than " + n, "SELECT count(*) FROM " + Sql.rel(t)
                            + " WHERE length(" + col + ") > " + n));
        } else if (sameCollation && cn.matches() && wn.matches() && cn.group(2).equals(wn.group(2))
                && Integer.parseInt(wn.group(1)) >= Integer.parseInt(cn.group(1))) {
            s = Step.safe(Phase.ALTER_COLUMN, sql, obj, "numeric precision widened, no rewrite", false);
        } else if (sameCollation && cn.matches() && wn.matches()) {
            s = new Step(Phase.ALTER_COLUMN, sql, Safety.DESTRUCTIVE, "narrowing " + c.type() + " to " + w.type()
                    + " (values rounded or rejected)", obj, false, null);
        } else if (narrowingInteger(c.type(), w.type())) {
            s = new Step(Phase.ALTER_COLUMN, sql, Safety.DESTRUCTIVE, "narrowing " + c.type() + " to " + w.type(), obj, false, null);
        } else {
            s = new Step(Phase.ALTER_COLUMN, sql, Safety.LOCKING, "type change " + c.type() + " to " + w.type()
                    + " rewrites the table under an exclusive lock", obj, false, null);
        }
        x.add(s);
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
