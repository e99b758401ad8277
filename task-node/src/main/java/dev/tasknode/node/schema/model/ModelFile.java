package dev.tasknode.node.schema.model;

import java.util.List;

/**
 * One model file. {@code name} is how errors and results refer to it ({@code project/10-tasks.sql}),
 * {@code origin} where it was read from (jar or directory URL).
 */
public record ModelFile(ModelSet.Kind kind, String name, String origin, String text) {
    /** The file's statements, in order, each with the line it starts on. */
    public List<SqlScript.Statement> statements() {
        return SqlScript.split(text);
    }
}
