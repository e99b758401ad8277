package dev.tasknode.contracts.tasks;

import dev.tasknode.contracts.Text;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.regex.Pattern;

/**
 * What {@code restore_database} restores: a backup id {@code YYYYMMDD_HHMMSS} and a target schema, written
 * {@code YYYYMMDD_HHMMSS[:schema]} with schema {@code all} (default) | {@code shared} | {@code <id>} |
 * {@code p_<id>} | {@code project_<id>}.
 */
public record RestoreSpec(String backupId, Scope target) {
    public static final String ACCEPTED = "YYYYMMDD_HHMMSS[:schema], schema = all | shared | <id> | p_<id> | project_<id>,"
            + " e.g. 20250520_123456 or 20250520_123456:shared";
    private static final Pattern SHAPE = Pattern.compile("\\d{8}_\\d{6}");
    private static final DateTimeFormatter ID_FORMAT =
            DateTimeFormatter.ofPattern("uuuuMMdd_HHmmss").withResolverStyle(ResolverStyle.STRICT);

    public static RestoreSpec parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new ParamException("param", "a backup id is required", ACCEPTED);
        }
        String s = raw.strip();
        int colon = s.indexOf(':');
        String id = colon < 0 ? s : s.substring(0, colon);
        String schema = colon < 0 ? "all" : s.substring(colon + 1);
        parseBackupId("param", id, ACCEPTED);
        if (colon >= 0 && schema.isBlank()) {
            throw new ParamException("param", "nothing after ':' in " + Text.quote(raw), ACCEPTED);
        }
        try {
            return new RestoreSpec(id, Scope.parse("param", schema));
        } catch (ParamException e) {
            throw new ParamException("param", Text.quote(schema) + " is not a schema of a backup", ACCEPTED);
        }
    }

    /** Validates a backup id (shape and a real UTC date and time) and returns its instant. */
    public static LocalDateTime parseBackupId(String param, String id, String accepted) {
        if (id == null || !SHAPE.matcher(id).matches()) {
            throw new ParamException(param, Text.quote(id) + " is not a backup id", accepted);
        }
        try {
            return LocalDateTime.parse(id, ID_FORMAT);
        } catch (DateTimeParseException e) {
            throw new ParamException(param, Text.quote(id) + " is not a real date and time", accepted);
        }
    }

    public static String formatBackupId(LocalDateTime utc) {
        return ID_FORMAT.format(utc);
    }

    @Override
    public String toString() {
        return backupId + ":" + target;
    }
}
