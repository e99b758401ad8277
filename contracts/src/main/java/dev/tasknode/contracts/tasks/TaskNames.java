package dev.tasknode.contracts.tasks;

import java.util.List;

/** Names of the tasks and control operations a task node understands. Stable: they are the wire contract. */
public final class TaskNames {
    private TaskNames() {}

    /** What a task name looks like (lower-case letters, digits, '_'); anything else cannot be a task. */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,63}");

    // the six tasks of the prototype (same names, same meaning)
    public static final String CREATE_TABLES = "create_tables";
    public static final String PROPOSE_MIGRATIONS = "propose_migrations";
    public static final String APPLY_MIGRATIONS = "apply_migrations";
    public static final String BACKUP_DATABASE = "backup_database";
    public static final String RESTORE_DATABASE = "restore_database";
    public static final String LIST_BACKUPS = "list_backups";

    // tasks tasknode adds
    public static final String SCHEMA_STATUS = "schema_status";
    public static final String SHOW_BACKUP = "show_backup";
    public static final String VERIFY_BACKUP = "verify_backup";
    public static final String PRUNE_BACKUPS = "prune_backups";
    /** Diagnostic: answers at once. Used by tests and the round-trip benchmark. */
    public static final String PING = "ping";
    /** Diagnostic: logs once a second for the given number of seconds; cancellable. */
    public static final String SLEEP = "sleep";

    public static final List<String> PROTOTYPE_TASKS = List.of(
            CREATE_TABLES, PROPOSE_MIGRATIONS, APPLY_MIGRATIONS, BACKUP_DATABASE, RESTORE_DATABASE, LIST_BACKUPS);

    /** Control operations, sent to the node's control queue (see docs/protocol.md). */
    public static final class Control {
        private Control() {}
        public static final String STATUS = "status";
        public static final String RESULT = "result";
        public static final String LOGS = "logs";
        public static final String CANCEL = "cancel";
        public static final String LIST = "list";
        /** Describes the tasks a node has registered (name, description, parameters). */
        public static final String TASKS = "tasks";
        public static final List<String> ALL = List.of(STATUS, RESULT, LOGS, CANCEL, LIST, TASKS);
    }
}
