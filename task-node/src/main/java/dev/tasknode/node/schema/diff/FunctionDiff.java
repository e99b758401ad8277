package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.SchemaObjects.Function;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Step;
import java.util.Map;
import java.util.Objects;

/**
 * Functions and procedures, by name and argument types (overloads are distinct objects). A changed body or
 * attribute (volatility, STRICT, SECURITY DEFINER, SET, cost) is a CREATE OR REPLACE; a changed return type or
 * parameter list (names, modes, defaults), which CREATE OR REPLACE refuses, is a drop and a create, with the
 * triggers calling the function re-created around it (see {@link TriggerDiff}). Other argument types are
 * another function: the old one is dropped, destructive.
 */
final class FunctionDiff {
    private FunctionDiff() {}

    static void functions(Differ.Ctx x) {
        Map<String, Function> cur = x.cur.objects().functions();
        Map<String, Function> want = x.want.objects().functions();
        for (Function c : cur.values()) {
            Function w = want.get(c.key());
            if (w == null) {
                x.add(new Step(Phase.DROP_FUNCTION, drop(c), Step.Safety.DESTRUCTIVE,
                        "function not in the model (its callers fail)", object(c), false, null));
            } else if (replaced(c, w)) {
                x.add(Step.safe(Phase.DROP_FUNCTION_REPLACED, drop(c), object(c), "re-created below: " + why(c, w), false));
            }
        }
        for (Function w : want.values()) {
            Function c = cur.get(w.key());
            int phase = w.usedByTables() ? Phase.FUNCTION_FOR_TABLES : Phase.FUNCTION;
            boolean fresh = c == null || replaced(c, w);
            if (c == null) {
                x.add(Step.safe(phase, create(w), object(w), w.procedure() ? "new procedure" : "new function", true));
            } else if (fresh) {
                x.add(Step.safe(phase, create(w), object(w), "re-created: " + why(c, w), false));
            } else if (!Objects.equals(c.def(), w.def())) {
                x.add(Step.safe(phase, create(w), object(w), "body or attributes replaced (CREATE OR REPLACE)", false));
            }
            if (fresh ? w.comment() != null : Differ.differs(c.comment(), w.comment())) {
                x.add(Step.safe(Phase.COMMENT, Differ.comment(kind(w), ref(w), w.comment()), object(w), "comment", c == null));
            }
        }
    }

    /** Whether the function {@code key} is dropped and created again by this plan (its triggers go with it). */
    static boolean replaced(Differ.Ctx x, String key) {
        Function c = x.cur.objects().functions().get(key);
        Function w = x.want.objects().functions().get(key);
        return c != null && w != null && replaced(c, w);
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

    private static String create(Function w) {
        return w.def().strip();
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
