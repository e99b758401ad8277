package dev.tasknode.node.schema.plan;

import dev.tasknode.node.schema.model.ModelSet;
import java.util.List;

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

    public Plan onlyCreates() {
        return new Plan(steps.stream().filter(Step::creates).toList());
    }

    /** Binds a template to a schema: quoted names in place of the placeholders. */
    public static String bind(String template, String schema, String shared) {
        return ModelSet.bind(template, Sql.q(schema), Sql.q(shared));
    }
}
