package dev.tasknode.node.schema.plan;

/**
 * One planned DDL statement. {@code sql} is a template: {@code {schema}} / {@code {shared}} stand for the schema
 * being migrated and the shared schema, so one plan serves every schema of a group. (Atlas's sql/migrate
 * Change with its classification.)
 *
 * @param phase   position in dependency order (see {@link Phase}); statements of one phase keep diff order
 * @param object  what the statement is about ("table tasks", "column tasks.title")
 * @param creates true when it only creates something absent (create_tables runs exactly these)
 * @param check   data check to run before applying on each schema, or null
 */
public record Step(int phase, String sql, Safety safety, String reason, String object, boolean creates, Check check) {
    public enum Safety {
        SAFE, LOCKING, DESTRUCTIVE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A count query whose non-zero result means the statement would fail or lose data.
     *
     * @param sql template returning one count
     */
    public record Check(String description, String sql) {}

    public static Step safe(int phase, String sql, String object, String reason, boolean creates) {
        return new Step(phase, sql, Safety.SAFE, reason, object, creates, null);
    }

    public Step withCheck(Check c) {
        return new Step(phase, sql, safety, reason, object, creates, c);
    }
}
