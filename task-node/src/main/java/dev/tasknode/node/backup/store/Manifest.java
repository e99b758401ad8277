package dev.tasknode.node.backup.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backup's manifest ({@code <id>/manifest.json}, snake_case JSON). {@code format_version} 1. Prototype backups
 * are read into the same shape with {@code format = "prototype"}, no checksums and no row counts.
 *
 * @param format   "tasknode" (pg_dump custom format archives) or "prototype" (gzipped plain SQL)
 * @param status   complete | partial | failed
 * @param scope    what was asked: all | shared | a project id | a list of schemas (safety / pre-migration backups)
 * @param reason   manual | scheduled | safety | pre_migration
 * @param snapshot the exported snapshot every pg_dump of this backup ran with
 */
public record Manifest(int formatVersion, String id, String format, String status, String scope, String reason,
                       String taskId, String startedAt, String finishedAt, String database, String serverVersion,
                       String pgDumpVersion, String snapshot, List<FileEntry> files, List<SchemaEntry> schemas) {
    public static final int FORMAT_VERSION = 1;
    public static final String TASKNODE = "tasknode";
    public static final String PROTOTYPE = "prototype";
    public static final String COMPLETE = "complete";
    public static final String PARTIAL = "partial";
    public static final String FAILED = "failed";

    /** One archive file; a batch archive holds several schemas. sha256 is null for prototype files. */
    public record FileEntry(String name, long size, String sha256, List<String> schemas) {}

    /**
     * One schema. {@code tables} = exact row counts per table at the snapshot (null for prototype backups);
     * {@code fingerprint} = the schema engine's model fingerprint when it was available.
     */
    public record SchemaEntry(String schema, String status, String file, Map<String, Long> tables, String fingerprint,
                              String error) {
        public boolean ok() {
            return "ok".equals(status);
        }
    }

    public Optional<SchemaEntry> schema(String name) {
        return schemas.stream().filter(s -> s.schema().equals(name)).findFirst();
    }

    public Optional<FileEntry> file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public long size() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    public List<String> okSchemas() {
        return schemas.stream().filter(SchemaEntry::ok).map(SchemaEntry::schema).toList();
    }
}
