package dev.tasknode.node.schema.plan;

import dev.tasknode.node.schema.model.ModelSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The ordered steps that migrate one catalog state to the model. Empty = up to date. */
public record Plan(List<Step> steps) {
    /** Orders {@code steps} by their dependencies ({@link Graph}); a cycle throws {@link Graph.CycleException}. */
    public Plan {
        steps = List.copyOf(Graph.order(steps));
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    public long count(Step.Safety s) {
        return steps.stream().filter(x -> x.safety() == s).count();
    }

    /** The script as reviewed: one statement per line group, with the {schema} placeholders. */
    public String script() {
        StringBuilder sb = new StringBuilder();
        for (Step s : steps) {
            sb.append(s.sql()).append(";\n");
        }
        return sb.toString();
    }

    /**
     * The steps (by index) whose data check reads what an earlier step of {@code steps} creates or alters (a check
     * on a column the plan adds): such a check cannot run before the plan, it runs in apply's transaction right
     * before its statement. Value: when and why, for the proposal.
     */
    public static Map<Integer, String> deferredChecks(List<Step> steps) {
        Map<Integer, String> out = new HashMap<>();
        Map<String, Integer> made = new HashMap<>(); // key -> first step creating or altering it
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s.check() != null) {
                for (String d : s.keys().dependsOn()) {
                    Integer j = made.get(d);
                    String p = Key.parent(d);
                    j = j != null ? j : p == null ? null : made.get(p);
                    if (j == null && d.startsWith("table:")) {
                        j = made.entrySet().stream().filter(e -> d.equals(Key.parent(e.getKey())))
                                .map(Map.Entry::getValue).min(Integer::compare).orElse(null);
                    }
                    if (j != null) {
                        out.put(i, "runs during apply, after statement " + (j + 1) + ": it reads " + d.replaceFirst(":", " ")
                                + ", which this plan " + (steps.get(j).keys().creates().isEmpty() ? "changes" : "creates")
                                + " first");
                        break;
                    }
                }
            }
            for (String k : s.keys().creates()) {
                made.putIfAbsent(k, i);
            }
            for (String k : s.keys().alters()) {
                made.putIfAbsent(k, i);
            }
        }
        return out;
    }

    public Plan onlyCreates() {
        return new Plan(steps.stream().filter(Step::creates).toList());
    }

    /** Binds a template to a schema: quoted names in place of the placeholders. */
    public static String bind(String template, String schema, String shared) {
        return ModelSet.bind(template, Sql.q(schema), Sql.q(shared));
    }
}
