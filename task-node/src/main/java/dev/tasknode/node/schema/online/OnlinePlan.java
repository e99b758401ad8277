package dev.tasknode.node.schema.online;

import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A schema's migration in two phases: the transactional part (one transaction, all or nothing, as a plain plan)
 * and the online steps that follow it, each run and recorded on its own.
 *
 * @param transactional statements of the schema's transaction, in plan order
 * @param online        steps after the commit, in order; each is one statement outside a transaction
 *                      ({@link Item#concurrent}) or a short transaction of its own
 */
public record OnlinePlan(List<Item> transactional, List<Item> online) {
    public OnlinePlan {
        transactional = List.copyOf(transactional);
        online = List.copyOf(online);
    }

    /** How a statement is run. */
    public enum Form {
        /** as planned, in the schema's transaction */
        TRANSACTIONAL,
        /** a foreign key or check added NOT VALID in the transaction: no scan, a brief lock */
        NOT_VALID,
        /** CREATE / DROP INDEX CONCURRENTLY, outside any transaction: writes go on while it runs */
        CONCURRENTLY,
        /** VALIDATE CONSTRAINT in its own transaction: scans under a lock that lets writes through */
        VALIDATE,
        /** ADD CONSTRAINT … USING INDEX of an index built concurrently: a brief exclusive lock, no build */
        USING_INDEX,
        /** SET NOT NULL proven by a validated helper check (no scan), and the helper dropped */
        SET_NOT_NULL,
        /** a statement that needs an online step's result, run after it in its own short transaction */
        DEFERRED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One statement (or, for {@link Form#SET_NOT_NULL}, two that commit together).
     *
     * @param sqls       templates with {@code {schema}} / {@code {shared}}
     * @param lock       the lock PostgreSQL takes and on which table, for the reviewer; null when not known
     * @param check      the data check of the planned statement this came from (run before anything), or null
     * @param index      for CREATE INDEX CONCURRENTLY: the index built (an invalid one of that name is dropped first)
     * @param concurrent runs outside a transaction (CONCURRENTLY statements cannot run inside one)
     * @param keys       the graph keys of the planned statement (which checks must wait for what the plan creates)
     */
    public record Item(List<String> sqls, Form form, String lock, Step.Safety safety, String reason, String object,
                       Step.Check check, String index, boolean concurrent, Step.Keys keys) {
        public Item {
            sqls = List.copyOf(sqls);
            keys = keys == null ? Step.Keys.NONE : keys;
        }

        public String sql() {
            return String.join(";\n", sqls);
        }

        Item as(Form f, boolean conc) {
            return new Item(sqls, f, lock, safety, reason, object, check, index, conc, keys);
        }
    }

    public boolean isEmpty() {
        return transactional.isEmpty() && online.isEmpty();
    }

    public int size() {
        return transactional.size() + online.size();
    }

    public List<Item> all() {
        List<Item> out = new ArrayList<>(transactional);
        out.addAll(online);
        return out;
    }

    public long count(Step.Safety s) {
        return all().stream().filter(i -> i.safety() == s).count();
    }

    /** Only the items {@code keep} accepts (destructive ones are set aside without allow_destructive). */
    public OnlinePlan filter(java.util.function.Predicate<Item> keep) {
        return new OnlinePlan(transactional.stream().filter(keep).toList(), online.stream().filter(keep).toList());
    }

    /**
     * Every item as a step with its data check and keys, numbered as the reviewer sees them (transaction first):
     * the input of {@code DataChecks} and {@link Plan#deferredChecks} (a plain list, not a Plan: this order is final).
     */
    public List<Step> checks() {
        return all().stream().map(i -> new Step(0, i.sql(), i.safety(), i.reason(), i.object(), false, i.check(), i.keys()))
                .toList();
    }

    /** The reviewed script: the transaction, then the online steps. */
    public String script() {
        StringBuilder sb = new StringBuilder();
        for (Item i : transactional) {
            sb.append(i.sql()).append(";\n");
        }
        if (!online.isEmpty()) {
            sb.append("-- online steps, after the commit, each on its own:\n");
            for (Item i : online) {
                sb.append(i.sql()).append(";\n");
            }
        }
        return sb.toString();
    }
}
