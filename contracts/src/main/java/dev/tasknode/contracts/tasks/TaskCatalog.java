package dev.tasknode.contracts.tasks;

import dev.tasknode.contracts.Text;
import static dev.tasknode.contracts.tasks.ParamDef.integer;
import static dev.tasknode.contracts.tasks.ParamDef.optional;
import static dev.tasknode.contracts.tasks.ParamDef.required;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The specs of every task tasknode knows. A node registers an implementation for (some of) them; clients
 * validate against the same specs before they send.
 */
public final class TaskCatalog {
    private TaskCatalog() {}

    private static ParamDef scope(String what) {
        return optional("scope", ParamType.SCOPE, "", what);
    }

    private static ParamDef online() {
        return optional("online", ParamType.ONLINE_MODE, "auto",
                "online forms (concurrent index builds, NOT VALID then VALIDATE): auto = for large tables, always, never");
    }

    public static final TaskSpec CREATE_TABLES = new TaskSpec(TaskNames.CREATE_TABLES,
            "Creates missing schemas and tables: shared first, then every project, or one project. Never alters an existing table.",
            true, "scope", "empty = all, \"shared\", or a project id",
            List.of(scope("which schemas to create")));

    public static final TaskSpec PROPOSE_MIGRATIONS = new TaskSpec(TaskNames.PROPOSE_MIGRATIONS,
            "Compares the model with the live schemas and shows the SQL that would migrate them. Changes nothing.",
            false, "scope", "empty = all, \"shared\", or a project id",
            List.of(scope("which schemas to compare"), online()));

    public static final TaskSpec APPLY_MIGRATIONS = new TaskSpec(TaskNames.APPLY_MIGRATIONS,
            "Migrates schemas to the model, each schema in its own transaction. Destructive changes only with allow_destructive.",
            true, "scope", "empty = all, \"shared\" = the shared schema only, or a project id",
            List.of(scope("which schemas to migrate"),
                    optional("allow_destructive", ParamType.BOOLEAN, false, "also apply drops and narrowing changes"),
                    optional("backup", ParamType.BOOLEAN, true, "take a backup of the schemas about to change first"),
                    optional("dry_run", ParamType.BOOLEAN, false, "plan and check, but execute nothing"),
                    optional("expect", ParamType.STRING, null,
                            "fingerprint of the reviewed proposal; refuse when the fleet changed since"), online()));

    public static final TaskSpec SCHEMA_STATUS = new TaskSpec(TaskNames.SCHEMA_STATUS,
            "Reports each schema as up to date, pending, drifted or failed.",
            false, "scope", "empty = all, \"shared\", or a project id",
            List.of(scope("which schemas to report")));

    public static final TaskSpec BACKUP_DATABASE = new TaskSpec(TaskNames.BACKUP_DATABASE,
            "Backs up schemas with pg_dump (custom format, one snapshot) into BACKUP_DIR.",
            true, "scope", "empty = all, \"shared\", or a project id",
            List.of(scope("which schemas to back up")));

    public static final TaskSpec LIST_BACKUPS = new TaskSpec(TaskNames.LIST_BACKUPS,
            "Lists backups, newest first, with their status and whether their files are intact.",
            false, null, "no parameter", List.of());

    public static final TaskSpec SHOW_BACKUP = new TaskSpec(TaskNames.SHOW_BACKUP,
            "Shows a backup's manifest: schemas, files, sizes, checksums, row counts.",
            false, "backup_id", "a backup id, e.g. 20250520_123456",
            List.of(required("backup_id", ParamType.BACKUP_ID, "the backup to show")));

    public static final TaskSpec RESTORE_DATABASE = new TaskSpec(TaskNames.RESTORE_DATABASE,
            "Restores schemas from a backup, replacing each atomically; keeps the replaced schemas as the way back.",
            true, "spec", "YYYYMMDD_HHMMSS[:schema], schema = all | shared | <id> | p_<id> | project_<id>",
            List.of(required("spec", ParamType.RESTORE_SPEC, "backup id and optional schema"),
                    optional("safety_backup", ParamType.BOOLEAN, true,
                            "keep a way back: each replaced schema is kept, renamed, for tasknode.backup.keep-replaced"
                                    + " (false: dropped at once)"),
                    optional("safety_dump", ParamType.BOOLEAN, false,
                            "also take a pg_dump safety backup of the schemas about to be replaced first (slower)"),
                    optional("target_cluster", ParamType.CLUSTER, null,
                            "restore the project onto this configured cluster instead of the one it was backed up from"
                                    + " (moves it; its old copy is kept as _replaced_*; then change the placement)")));

    public static final TaskSpec VERIFY_BACKUP = new TaskSpec(TaskNames.VERIFY_BACKUP,
            "Restores a backup into a scratch database, compares it with the manifest, drops the scratch database.",
            true, "backup_id", "a backup id, e.g. 20250520_123456",
            List.of(required("backup_id", ParamType.BACKUP_ID, "the backup to verify")));

    public static final TaskSpec PRUNE_BACKUPS = new TaskSpec(TaskNames.PRUNE_BACKUPS,
            "Deletes old backups by a retention policy (keep the last N and/or those younger than D days).",
            true, null, "no parameter (uses the configured retention) or keep_last / keep_days",
            List.of(integer("keep_last", null, 1, 100_000, "keep this many newest complete backups"),
                    integer("keep_days", null, 1, 36_500, "keep backups younger than this many days"),
                    optional("dry_run", ParamType.BOOLEAN, false, "only list what would be deleted")));

    public static final TaskSpec PING = new TaskSpec(TaskNames.PING,
            "Diagnostic: answers at once with the node's identity.",
            false, "message", "any text to echo",
            List.of(optional("message", ParamType.STRING, null, "echoed back")));

    public static final TaskSpec SLEEP = new TaskSpec(TaskNames.SLEEP,
            "Diagnostic: logs a line every second for the given number of seconds; can be cancelled.",
            false, "seconds", "seconds to run, 0 to 3600",
            List.of(integer("seconds", 5L, 0, 3600, "how long to run")));

    private static final Map<String, TaskSpec> ALL = new LinkedHashMap<>();

    static {
        for (TaskSpec s : List.of(CREATE_TABLES, PROPOSE_MIGRATIONS, APPLY_MIGRATIONS, SCHEMA_STATUS, BACKUP_DATABASE,
                LIST_BACKUPS, SHOW_BACKUP, RESTORE_DATABASE, VERIFY_BACKUP, PRUNE_BACKUPS, PING, SLEEP)) {
            ALL.put(s.name(), s);
        }
    }

    public static Optional<TaskSpec> find(String name) {
        return Optional.ofNullable(name == null ? null : ALL.get(name));
    }

    public static List<TaskSpec> all() {
        return List.copyOf(ALL.values());
    }

    /** Parses parameters of a known task; an unknown task name is refused the same way the node refuses it. */
    public static TaskParams parse(String task, Map<String, ?> raw) {
        TaskSpec spec = find(task).orElseThrow(() -> new ParamException(null,
                "unknown task " + Text.quote(task), String.join(", ", ALL.keySet())));
        return spec.parse(raw);
    }
}
