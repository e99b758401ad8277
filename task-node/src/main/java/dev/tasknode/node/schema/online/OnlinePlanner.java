package dev.tasknode.node.schema.online;

import static dev.tasknode.node.schema.online.Shapes.q;
import static dev.tasknode.node.schema.online.Shapes.table;
import static dev.tasknode.node.schema.online.Shapes.unquote;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.online.OnlinePlan.Form;
import dev.tasknode.node.schema.online.OnlinePlan.Item;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The stage after planning: rewrites the eligible statements of a plan into their online forms and splits the
 * result into the schema's transaction and the online steps that follow it. Statements are recognized by their
 * shape ({@link Shapes}); anything else keeps its planned form in the transaction. It also finishes what an
 * interrupted run left: invalid indexes (dropped and built again), constraints left NOT VALID (validated instead
 * of dropped and re-added), and helper checks of a SET NOT NULL.
 */
public final class OnlinePlanner {
    private final Catalog.Schema cur;
    private final Catalog.Schema want;
    private final Map<String, String> invalid;
    private final OnlineMode mode;
    private final long largeRows;
    /** plan order: each entry in the transaction or online; reordered into the two phases at the end */
    private final List<Slot> slots = new ArrayList<>();

    private record Slot(Item item, boolean online) {}

    private OnlinePlanner(Catalog.Schema cur, Catalog.Schema want, Map<String, String> invalid, OnlineMode mode,
                          long largeRows) {
        this.cur = cur;
        this.want = want;
        this.invalid = invalid;
        this.mode = mode;
        this.largeRows = largeRows;
    }

    /**
     * @param cur       the schema's catalog the plan was made from (for a group: the sample with the most rows)
     * @param want      the desired catalog (index definitions rendered)
     * @param invalid   the schema's invalid indexes: name to table ({@link Leftovers})
     * @param largeRows from this row estimate a table counts as large (mode auto)
     */
    public static OnlinePlan rewrite(Plan plan, Catalog.Schema cur, Catalog.Schema want, Map<String, String> invalid,
                                     OnlineMode mode, long largeRows) {
        OnlinePlanner p = new OnlinePlanner(cur, want, invalid, mode, largeRows);
        Set<Step> absorbed = p.absorbed(plan);
        p.leftoverIndexes(plan);
        for (Step s : plan.steps()) {
            if (!absorbed.contains(s)) {
                p.step(s);
            }
        }
        return p.phases();
    }

    private boolean online(String table) {
        if (table == null || !cur.tables().containsKey(table)) {
            return false;
        }
        return mode == OnlineMode.ALWAYS || (mode == OnlineMode.AUTO && cur.rows(table) >= largeRows);
    }

    private Catalog.Constraint constraint(String table, String name) {
        Catalog.Table t = table == null ? null : cur.tables().get(table);
        return t == null ? null : t.constraints().get(name);
    }

    private Catalog.Index index(Catalog.Schema s, String table, String name) {
        Catalog.Table t = table == null ? null : s.tables().get(table);
        return t == null ? null : t.indexes().get(name);
    }

    /**
     * Steps the online forms replace: the drop of a constraint left NOT VALID (it is validated instead), the drop
     * of a SET NOT NULL's helper check (the online form drops it), the drop of an index that a key adopts.
     */
    private Set<Step> absorbed(Plan plan) {
        Set<String> validated = new HashSet<>();
        Set<String> keyIndexes = new HashSet<>();
        Set<String> helpers = new HashSet<>();
        for (Step s : plan.steps()) {
            Matcher m = Shapes.ADD_CONSTRAINT.matcher(s.sql());
            if (m.matches() && !s.creates()) {
                String t = table(m.group(1));
                String k = unquote(m.group(2));
                Catalog.Constraint have = constraint(t, k);
                if (have != null && have.def().equals(m.group(3) + " NOT VALID")) {
                    validated.add(t + "." + k);
                } else if (Shapes.KEY.matcher(m.group(3)).matches() && keyOnline(t, k)) {
                    keyIndexes.add(k);
                }
            } else if ((m = Shapes.SET_NOT_NULL.matcher(s.sql())).matches()) {
                String t = table(m.group(1));
                String h = Shapes.helperName(unquote(m.group(2)));
                if (online(t) || constraint(t, h) != null) {
                    helpers.add(t + "." + h);
                }
            }
        }
        Set<Step> out = new HashSet<>();
        for (Step s : plan.steps()) {
            Matcher m = Shapes.DROP_CONSTRAINT.matcher(s.sql());
            if (m.matches()) {
                String tk = table(m.group(1)) + "." + unquote(m.group(2));
                if (validated.contains(tk) || helpers.contains(tk)) {
                    out.add(s);
                }
            } else if ((m = Shapes.DROP_INDEX.matcher(s.sql())).matches() && keyIndexes.contains(unquote(m.group(1)))) {
                out.add(s);
            }
        }
        return out;
    }

    /** A key goes online on a large table, or when an index of its name is there to adopt (ours, left by a run). */
    private boolean keyOnline(String t, String k) {
        Catalog.Index have = index(cur, t, k);
        return online(t) || (have != null && !have.constraint());
    }

    private void add(boolean online, List<String> sqls, Form form, String lock, Safety safety, String reason, Step origin,
                     Step.Check check, String index) {
        slots.add(new Slot(new Item(sqls, form, lock, safety, reason, origin.object(), check, index,
                form == Form.CONCURRENTLY, origin.keys()), online));
    }

    private void plain(Step s, String reason) {
        add(false, List.of(s.sql()), Form.TRANSACTIONAL, Shapes.plainLock(s.sql()), s.safety(), reason, s, s.check(), null);
    }

    private void step(Step s) {
        String sql = s.sql();
        Matcher m;
        if (s.creates()) { // new objects (a new table's indexes and keys): nothing to wait for, stays in the transaction
            plain(s, s.reason());
        } else if ((m = Shapes.CREATE_INDEX.matcher(sql)).matches()) {
            String t = table(m.group(4));
            if (m.group(3) == null && online(t)) {
                add(true, List.of(sql.replaceFirst("INDEX ", "INDEX CONCURRENTLY ")), Form.CONCURRENTLY,
                        "SHARE UPDATE EXCLUSIVE on " + t + " (writes go on)", Safety.SAFE,
                        "built concurrently, writes go on (" + s.reason() + ")", s, s.check(), unquote(m.group(2)));
            } else {
                locking(s);
            }
        } else if ((m = Shapes.DROP_INDEX.matcher(sql)).matches()) {
            String n = unquote(m.group(1));
            String t = tableOfIndex(n);
            boolean leftover = invalid.containsKey(n);
            if (leftover || online(t)) {
                add(true, List.of("DROP INDEX CONCURRENTLY {schema}." + m.group(1)), Form.CONCURRENTLY,
                        "SHARE UPDATE EXCLUSIVE on " + t + " (writes go on)", leftover ? Safety.SAFE : s.safety(),
                        leftover ? "invalid index left by an interrupted build" : s.reason() + "; dropped concurrently",
                        s, s.check(), null);
            } else {
                locking(s);
            }
        } else if ((m = Shapes.ADD_CONSTRAINT.matcher(sql)).matches()) {
            constraint(s, m.group(1), unquote(m.group(2)), m.group(3));
        } else if ((m = Shapes.SET_NOT_NULL.matcher(sql)).matches()) {
            setNotNull(s, m.group(1), m.group(2));
        } else if ((m = Shapes.DROP_CONSTRAINT.matcher(sql)).matches() && unquote(m.group(2)).startsWith(Shapes.HELPER_PREFIX)) {
            add(false, List.of(sql), Form.TRANSACTIONAL, Shapes.plainLock(sql) + " (brief)", Safety.SAFE,
                    "the helper check of a finished online SET NOT NULL", s, s.check(), null);
        } else {
            locking(s);
        }
    }

    /** Keeps the planned form; a locking statement says why it has no online form. */
    private void locking(Step s) {
        plain(s, s.safety() == Safety.LOCKING ? s.reason() + "; not online: " + whyNot(s.sql()) : s.reason());
    }

    private String whyNot(String sql) {
        if (mode == OnlineMode.NEVER) {
            return "online=never";
        }
        String why = Shapes.whyNotOnline(sql);
        if (!why.startsWith("no online form")) {
            return why;
        }
        // a statement of a kind with an online form that did not get it: its table is small, or its shape rules it out
        boolean hasForm = Shapes.CREATE_INDEX.matcher(sql).matches() || Shapes.DROP_INDEX.matcher(sql).matches()
                || Shapes.SET_NOT_NULL.matcher(sql).matches() || Shapes.ADD_CONSTRAINT.matcher(sql).matches();
        Matcher m = Shapes.DROP_INDEX.matcher(sql);
        String t = m.matches() ? tableOfIndex(unquote(m.group(1))) : Shapes.tableOf(sql);
        if (hasForm && t != null && !online(t)) {
            return "table below large-table-rows (" + largeRows + ")";
        }
        return hasForm ? "this shape has no online form (options the online forms cannot keep)" : why;
    }

    private void constraint(Step s, String rel, String k, String def) {
        String t = table(rel);
        Catalog.Constraint have = constraint(t, k);
        String validate = "ALTER TABLE " + rel + " VALIDATE CONSTRAINT " + q(k);
        if (have != null && have.def().equals(def + " NOT VALID")) {
            add(true, List.of(validate), Form.VALIDATE, validateLock(rel, def), Safety.SAFE,
                    "validates the constraint an earlier run added NOT VALID", s, s.check(), null);
            return;
        }
        boolean fkOrCheck = def.startsWith("FOREIGN KEY") || def.startsWith("CHECK");
        if (fkOrCheck && !def.endsWith("NOT VALID") && online(t)) {
            add(false, List.of(s.sql() + " NOT VALID"), Form.NOT_VALID, Shapes.plainLock(s.sql()) + " (brief: no scan)",
                    Safety.SAFE, "added NOT VALID (no scan), validated after the commit", s, s.check(), null);
            add(true, List.of(validate), Form.VALIDATE, validateLock(rel, def), Safety.SAFE,
                    "validates every row while writes go on", s, null, null);
            return;
        }
        Matcher key = Shapes.KEY.matcher(def);
        if (key.matches() && keyOnline(t, k)) {
            Catalog.Index have2 = index(cur, t, k);
            if (have2 != null && have2.constraint()) {
                have2 = null; // the index of the constraint being replaced: its drop in the transaction takes it along
            }
            Catalog.Index wantIdx = index(want, t, k);
            boolean adopt = have2 != null && !invalid.containsKey(k) && wantIdx != null && have2.key().equals(wantIdx.key());
            if (have2 != null && !adopt && !invalid.containsKey(k)) {
                add(true, List.of("DROP INDEX CONCURRENTLY {schema}." + q(k)), Form.CONCURRENTLY,
                        "SHARE UPDATE EXCLUSIVE on " + t + " (writes go on)", Safety.SAFE,
                        "an index of the key's name with another definition makes way", s, null, null);
            }
            if (!adopt) {
                String cic = "CREATE UNIQUE INDEX CONCURRENTLY " + q(k) + " ON " + rel + " USING btree (" + key.group(3) + ")"
                        + (key.group(4) == null ? "" : key.group(4)) + (key.group(2) == null ? "" : key.group(2));
                add(true, List.of(cic), Form.CONCURRENTLY, "SHARE UPDATE EXCLUSIVE on " + t + " (writes go on)",
                        Safety.SAFE, "the key's unique index built concurrently", s, s.check(), k);
            }
            add(true, List.of("ALTER TABLE " + rel + " ADD CONSTRAINT " + q(k) + " " + key.group(1) + " USING INDEX " + q(k)
                            + key.group(5)), Form.USING_INDEX, "ACCESS EXCLUSIVE on " + t + " (brief: no build, no scan)",
                    Safety.SAFE, "the key adopts its index" + (adopt ? " (built by an earlier run)" : ""), s,
                    adopt ? s.check() : null, null);
            return;
        }
        locking(s);
    }

    private static String validateLock(String rel, String def) {
        Matcher r = Shapes.REFERENCES.matcher(def);
        return "SHARE UPDATE EXCLUSIVE on " + Shapes.shown(rel)
                + (def.startsWith("FOREIGN KEY") && r.find() ? ", ROW SHARE on " + Shapes.shown(r.group(1)) : "")
                + " (writes go on)";
    }

    private void setNotNull(Step s, String rel, String col) {
        String t = table(rel);
        String h = Shapes.helperName(unquote(col));
        Catalog.Constraint have = constraint(t, h);
        if (have == null && !online(t)) {
            locking(s);
            return;
        }
        Step.Check check = s.check();
        if (have == null) {
            add(false, List.of("ALTER TABLE " + rel + " ADD CONSTRAINT " + q(h) + " CHECK (" + col + " IS NOT NULL) NOT VALID"),
                    Form.NOT_VALID, "ACCESS EXCLUSIVE on " + t + " (brief: no scan)", Safety.SAFE,
                    "helper check for SET NOT NULL, added NOT VALID (no scan)", s, check, null);
            check = null;
        }
        if (have == null || have.def().endsWith(" NOT VALID")) {
            add(true, List.of("ALTER TABLE " + rel + " VALIDATE CONSTRAINT " + q(h)), Form.VALIDATE,
                    "SHARE UPDATE EXCLUSIVE on " + t + " (writes go on)", Safety.SAFE,
                    "validates the helper check while writes go on", s, check, null);
            check = null;
        }
        add(true, List.of(s.sql(), "ALTER TABLE " + rel + " DROP CONSTRAINT " + q(h)), Form.SET_NOT_NULL,
                "ACCESS EXCLUSIVE on " + t + " (brief: the validated check proves it, no scan)", Safety.SAFE,
                "SET NOT NULL without a scan, then the helper check dropped", s, check, null);
    }

    /** Invalid indexes the diff cannot see (their definitions match): dropped and built again. */
    private void leftoverIndexes(Plan plan) {
        Set<String> handled = new HashSet<>();
        for (Step s : plan.steps()) {
            Matcher m = Shapes.DROP_INDEX.matcher(s.sql());
            Matcher k = Shapes.ADD_CONSTRAINT.matcher(s.sql());
            if (m.matches()) {
                handled.add(unquote(m.group(1)));
            } else if (k.matches()) {
                handled.add(unquote(k.group(2)));
            }
        }
        invalid.forEach((name, t) -> {
            Catalog.Index w = index(want, t, name);
            if (handled.contains(name) || w == null || w.constraint() || w.def() == null) {
                return;
            }
            String obj = "index " + name;
            Item build = new Item(List.of(w.def().replaceFirst("INDEX ", "INDEX CONCURRENTLY ")), Form.CONCURRENTLY,
                    "SHARE UPDATE EXCLUSIVE on " + t + " (writes go on)", Safety.SAFE,
                    "invalid index left by an interrupted build: dropped and built again", obj, null, name, true, null);
            slots.add(new Slot(build, true)); // the runner drops the invalid one first
        });
    }

    private String tableOfIndex(String name) {
        for (Catalog.Table t : cur.tables().values()) {
            if (t.indexes().containsKey(name)) {
                return t.name();
            }
        }
        return invalid.get(name);
    }

    /**
     * The two phases. A drop that runs online must not be needed gone by a later statement of the transaction
     * (then it stays there); a statement of the transaction that needs an object built online (a comment on the
     * index, a foreign key onto the new key) runs after it, in its own short transaction.
     */
    private OnlinePlan phases() {
        List<Slot> s = new ArrayList<>(slots);
        for (int i = 0; i < s.size(); i++) {
            Item it = s.get(i).item();
            Matcher d = Shapes.DROP_INDEX.matcher(it.sql().replace("CONCURRENTLY ", ""));
            if (s.get(i).online() && it.form() == Form.CONCURRENTLY && d.matches()) {
                String n = unquote(d.group(1));
                for (int j = i + 1; j < s.size(); j++) {
                    if (!s.get(j).online() && s.get(j).item().sql().contains(n)) {
                        Item plainDrop = new Item(List.of("DROP INDEX {schema}." + d.group(1)), Form.TRANSACTIONAL,
                                "ACCESS EXCLUSIVE on " + tableOfIndex(n), it.safety(), it.reason()
                                + "; not concurrently: a later statement of the transaction needs it gone",
                                it.object(), it.check(), null, false, it.keys());
                        s.set(i, new Slot(plainDrop, false));
                        break;
                    }
                }
            }
        }
        Set<String> builtOnline = new HashSet<>();
        Set<String> keyTables = new HashSet<>();
        List<Item> tx = new ArrayList<>();
        List<Item> on = new ArrayList<>();
        for (Slot sl : s) {
            Item it = sl.item();
            boolean needs = !sl.online() && (builtOnline.stream().anyMatch(n -> it.sql().contains(n))
                    || referencesAny(it.sql(), keyTables));
            if (sl.online() || needs) {
                on.add(needs ? it.as(Form.DEFERRED, false) : it);
                if (it.index() != null) {
                    builtOnline.add(it.index());
                }
                if (it.form() == Form.USING_INDEX) {
                    Matcher k = Shapes.ADD_CONSTRAINT.matcher(it.sql());
                    if (k.matches()) {
                        builtOnline.add(unquote(k.group(2)));
                        keyTables.add(table(k.group(1)));
                    }
                }
            } else {
                tx.add(it);
            }
        }
        return new OnlinePlan(tx, on);
    }

    private static boolean referencesAny(String sql, Set<String> tables) {
        Matcher r = Shapes.REFERENCES.matcher(sql);
        while (r.find()) {
            if (tables.contains(table(r.group(1)))) {
                return true;
            }
        }
        return false;
    }
}
