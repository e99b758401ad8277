package dev.tasknode.node.schema.diff.tables;

import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Relation storage: UNLOGGED tables and sequences, and WITH (...) options of tables, views, materialized views. */
public final class Storage {
    private Storage() {}

    /** "UNLOGGED " for CREATE [UNLOGGED] TABLE / SEQUENCE, else "". */
    public static String persistence(Catalog.RelOptions o) {
        return o.unlogged() ? "UNLOGGED " : "";
    }

    /** " WITH (name = 'value', ...)" for CREATE, else "". */
    public static String with(Catalog.RelOptions o) {
        Map<String, String> m = parse(o.with());
        if (m.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + " = " + Sql.literal(v)));
        return " WITH (" + String.join(", ", parts) + ")";
    }

    /**
     * Storage changes of a relation on both sides.
     *
     * @param what "TABLE", "VIEW", "MATERIALIZED VIEW" or "SEQUENCE"
     */
    public static void alter(Differ.Ctx x, String what, String name, String key) {
        Catalog.RelOptions c = x.cur.options(name);
        Catalog.RelOptions w = x.want.options(name);
        String ref = "ALTER " + what + " " + Sql.rel(name);
        if (c.unlogged() != w.unlogged()) {
            boolean table = what.equals("TABLE");
            x.add(new Step(Phase.ALTER_COLUMN, ref + (w.unlogged() ? " SET UNLOGGED" : " SET LOGGED"),
                    table ? Step.Safety.LOCKING : Step.Safety.SAFE, table ? "rewrites the table under an exclusive lock"
                    : w.unlogged() ? "unlogged now" : "logged now", what.toLowerCase(java.util.Locale.ROOT) + " " + name,
                    false, null).withAlters(key));
        }
        Map<String, String> have = parse(c.with());
        Map<String, String> want = parse(w.with());
        List<String> set = new ArrayList<>();
        want.forEach((k, v) -> {
            if (!v.equals(have.get(k))) {
                set.add(k + " = " + Sql.literal(v));
            }
        });
        List<String> reset = have.keySet().stream().filter(k -> !want.containsKey(k)).toList();
        String object = what.toLowerCase(java.util.Locale.ROOT) + " " + name;
        if (!set.isEmpty()) {
            x.add(Step.safe(Phase.ALTER_COLUMN, ref + " SET (" + String.join(", ", set) + ")", object, "storage options", false)
                    .withAlters(key));
        }
        if (!reset.isEmpty()) {
            x.add(Step.safe(Phase.ALTER_COLUMN, ref + " RESET (" + String.join(", ", reset) + ")", object,
                    "storage options back to their defaults", false).withAlters(key));
        }
    }

    private static Map<String, String> parse(String with) {
        Map<String, String> m = new LinkedHashMap<>();
        if (with == null || with.isEmpty()) {
            return m;
        }
        for (String kv : with.split(",")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }
}
