package dev.tasknode.node.schema.diff.objects;

import dev.tasknode.node.schema.diff.Comments;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.diff.Refs;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.SchemaObjects.Function;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Functions and procedures, by name and argument types (overloads are distinct objects). A changed body or
 * attribute (volatility, STRICT, SECURITY DEFINER, SET, cost) is a CREATE OR REPLACE; a changed return type or
 * parameter list (names, modes, defaults), which CREATE OR REPLACE refuses, is a drop and a create, and what
 * depends on the function (triggers, views, checks, defaults naming it) is rebuilt around it. Other argument
 * types are another function: the old one is dropped, destructive.
 *
 * <p>Graph keys: {@code function:<name>(<types>)} and {@code routine:<name>} (what a call in an expression can
 * be read as, see {@link Refs#inExpression}). A function depends on the types of its parameters and result, and,
 * for LANGUAGE sql (PostgreSQL checks those bodies when they are created), on what its body names.
 */
public final class Functions {
    private Functions() {}

    public static void diff(Differ.Ctx x) {
        Map<String, Function> cur = x.cur.objects().functions();
        Map<String, Function> want = x.want.objects().functions();
        for (Function c : cur.values()) {
            Function w = want.get(c.key());
            if (w == null) {
                x.add(new Step(Phase.DROP_FUNCTION, drop(c), Step.Safety.DESTRUCTIVE,
                        "function not in the model (its callers fail)", object(c), false, null)
                        .withDrops(keys(c)).withDependsOn(deps(x.cur, c)));
            } else if (replaced(c, w)) {
                x.add(Step.safe(Phase.DROP_FUNCTION_REPLACED, drop(c), object(c), "re-created below: " + why(c, w), false)
                        .withDrops(keys(c)).withDependsOn(deps(x.cur, c)));
                create(x, w, false, "re-created: " + why(c, w)).forEach(x::add);
            } else {
                if (!Objects.equals(c.def(), w.def())) {
                    Step replace = Step.safe(phase(w), w.def().strip(), object(w),
                            "body or attributes replaced (CREATE OR REPLACE)", false).withAlters(keys(w))
                            .withDependsOn(deps(x.want, w));
                    x.add(replace);
                    // replaced in place unless what it is bound to live changes too: PostgreSQL then refuses the
                    // column change while the old body reads it, and the new body may need the new shape, so
                    // neither order works; it is dropped before and created after instead
                    x.dependent(keys(c)[0], liveDeps(x.cur, c, false), () -> rebuild(x, c, w), replace);
                } else {
                    // rebuilt when a type of its parameters or result is re-created, or (a SQL-standard body, whose
                    // reads PostgreSQL records and protects) a column it reads is reshaped, or the row type of a
                    // table it returns, takes or reads changes (its body was expanded against the old columns)
                    x.dependent(keys(c)[0], liveDeps(x.cur, c, true), () -> rebuild(x, c, w));
                }
                Comments.of(x, kind(w), ref(w), keys(w)[0], object(w), c.comment(), w.comment(), false);
            }
        }
        for (Function w : want.values()) {
            if (!cur.containsKey(w.key())) {
                create(x, w, true, w.procedure() ? "new procedure" : "new function").forEach(x::add);
            }
        }
    }

    private static List<Step> rebuild(Differ.Ctx x, Function c, Function w) {
        List<Step> s = new ArrayList<>();
        s.add(Step.safe(Phase.DROP_FUNCTION_REPLACED, drop(c), object(c),
                "re-created below: a type or table it uses changes", false).withDrops(keys(c))
                .withDependsOn(deps(x.cur, c)));
        s.addAll(create(x, w, false, Objects.equals(c.def(), w.def()) ? "re-created: a type or table it uses changed"
                : "re-created in its new form: a type or table it uses changed"));
        return s;
    }

    private static List<Step> create(Differ.Ctx x, Function w, boolean isNew, String reason) {
        List<Step> out = new ArrayList<>();
        out.add(Step.safe(phase(w), w.def().strip(), object(w), reason, isNew).withCreates(keys(w))
                .withDependsOn(deps(x.want, w)));
        Step comment = Comments.step(kind(w), ref(w), keys(w)[0], object(w), null, w.comment(), isNew);
        if (comment != null) {
            out.add(comment);
        }
        return out;
    }

    /** Without keys this is the order: functions used by column defaults, checks or indexes before the tables. */
    private static int phase(Function w) {
        return w.usedByTables() ? Phase.FUNCTION_FOR_TABLES : Phase.FUNCTION;
    }

    private static boolean replaced(Function c, Function w) {
        return c.procedure() != w.procedure() || !Objects.equals(c.result(), w.result())
                || !Objects.equals(c.arguments(), w.arguments());
    }

    private static String why(Function c, Function w) {
        if (c.procedure() != w.procedure()) {
            return w.procedure() ? "a function becomes a procedure" : "a procedure becomes a function";
        }
        return Objects.equals(c.result(), w.result()) ? "parameter names, modes or defaults changed" : "return type changed";
    }

    /** The function's own key, then the key of its name. */
    static String[] keys(Function f) {
        return new String[] {"function:" + f.key(), Refs.routine(name(f.key()))};
    }

    static String functionKey(String key) {
        return "function:" + key;
    }

    private static String name(String key) {
        return Refs.unquote(key.substring(0, key.indexOf('(')));
    }

    /** No {@code AS $…$} / {@code AS '…'}: a BEGIN ATOMIC or RETURN body, parsed and recorded by PostgreSQL. */
    private static boolean sqlStandard(Function f) {
        return f.def() != null && !f.def().contains("\nAS ");
    }

    private static final Pattern LANGUAGE_SQL = Pattern.compile("(?m)^ LANGUAGE sql$");

    /** What it needs to be created: its types, and what a LANGUAGE sql body names (checked at creation). */
    private static Set<String> deps(Catalog.Schema cat, Function f) {
        Set<String> out = header(cat, f);
        if (f.def() != null && LANGUAGE_SQL.matcher(f.def()).find()) {
            out.addAll(body(cat, f));
        }
        return out;
    }

    /**
     * What PostgreSQL keeps it bound to: its types, and what a SQL-standard body names; with {@code rowTypes}, for a
     * SQL-standard body, also the row types of the tables its parameters and result name (a {@code RETURNS SETOF t}
     * body was checked against t's columns when it was created). A body that reads a table through {@code SELECT *}
     * needs no row type: its model text then changes with the table (PostgreSQL expands the star), and the change
     * in place is turned into a rebuild when the columns it reads are dropped or reshaped.
     */
    private static Set<String> liveDeps(Catalog.Schema cat, Function f, boolean rowTypes) {
        Set<String> out = header(cat, f);
        if (sqlStandard(f)) {
            out.addAll(body(cat, f));
            if (rowTypes) {
                out.addAll(tables(cat, f.arguments()));
                out.addAll(tables(cat, f.result()));
            }
        }
        return out;
    }

    /** The row types of the tables {@code {schema}.t} in a text names. */
    private static Set<String> tables(Catalog.Schema cat, String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = NAME.matcher(text == null ? "" : text);
        while (m.find()) {
            String n = Refs.unquote(m.group(1));
            if (m.group(2) == null && cat.tables().containsKey(n)) {
                out.add(dev.tasknode.node.schema.plan.Key.rowType(n));
            }
        }
        return out;
    }

    private static Set<String> header(Catalog.Schema cat, Function f) {
        Set<String> out = new LinkedHashSet<>(names(cat, f.arguments()));
        out.addAll(names(cat, f.result()));
        return out;
    }

    private static Set<String> body(Catalog.Schema cat, Function f) {
        return names(cat, f.def().substring(f.def().indexOf('\n') + 1)); // not its own header
    }

    private static final Pattern NAME = Pattern.compile(
            "(?<![\\w.\"])\\{schema}\\.(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)(\\()?");

    /**
     * What {@code {schema}.x} in a text is, as keys of {@code cat}: a table's columns (not the table: its other
     * members, such as triggers, would then depend on each other), a view, a sequence, a type, or a call.
     */
    static Set<String> names(Catalog.Schema cat, String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text == null) {
            return out;
        }
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            String n = Refs.unquote(m.group(1));
            if (m.group(2) != null) {
                out.add(Refs.routine(n));
            } else if (cat.tables().containsKey(n)) {
                out.addAll(columns(cat, n));
            } else if (cat.views().containsKey(n)) {
                out.add(dev.tasknode.node.schema.plan.Key.view(n));
            } else if (cat.sequences().containsKey(n)) {
                out.add(dev.tasknode.node.schema.plan.Key.sequence(n));
            } else {
                out.add(dev.tasknode.node.schema.plan.Key.type(n)); // enum, domain or composite type
            }
        }
        return out;
    }

    /** The keys of a table's columns (its own key when it has none). */
    static List<String> columns(Catalog.Schema cat, String table) {
        List<String> out = new ArrayList<>();
        for (Catalog.Column c : cat.tables().get(table).columns()) {
            out.add(dev.tasknode.node.schema.plan.Key.column(table, c.name()));
        }
        return out.isEmpty() ? List.of(dev.tasknode.node.schema.plan.Key.table(table)) : out;
    }

    private static String drop(Function f) {
        return "DROP " + kind(f) + " " + ref(f);
    }

    private static String kind(Function f) {
        return f.procedure() ? "PROCEDURE" : "FUNCTION";
    }

    private static String ref(Function f) {
        return "{schema}." + f.key();
    }

    private static String object(Function f) {
        return (f.procedure() ? "procedure " : "function ") + f.key();
    }
}
