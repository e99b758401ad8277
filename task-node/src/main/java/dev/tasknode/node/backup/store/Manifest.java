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
 * @param snapshot the exported snapshot every pg_dump of this backup ran with (the home cluster's, or the first
 *                 cluster's; each cluster's own is in {@code clusters})
 * @param clusters one entry per cluster the backup reached (null in backups taken before clusters existed: all of
 *                 their schemas are on the default cluster)
 */
public record Manifest(int formatVersion, String id, String format, String status, String scope, String reason,
                       String taskId, String startedAt, String finishedAt, String database, String serverVersion,
                       String pgDumpVersion, String snapshot, List<FileEntry> files, List<SchemaEntry> schemas,
                       List<ClusterEntry> clusters) {
    public static final int FORMAT_VERSION = 1;
    public static final String TASKNODE = "tasknode";
    public static final String PROTOTYPE = "prototype";
    public static final String COMPLETE = "complete";
    public static final String PARTIAL = "partial";
    public static final String FAILED = "failed";
    /** The cluster of entries that name none: backups written before clusters existed, prototype backups. */
    public static final String DEFAULT_CLUSTER = dev.tasknode.node.cluster.Cluster.DEFAULT;

    /** A manifest of one cluster only (prototype backups, tests). */
    public Manifest(int formatVersion, String id, String format, String status, String scope, String reason,
                    String taskId, String startedAt, String finishedAt, String database, String serverVersion,
                    String pgDumpVersion, String snapshot, List<FileEntry> files, List<SchemaEntry> schemas) {
        this(formatVersion, id, format, status, scope, reason, taskId, startedAt, finishedAt, database, serverVersion,
                pgDumpVersion, snapshot, files, schemas, null);
    }

    /**
     * One cluster's part of the backup: its server and snapshot (each cluster has its own: a snapshot cannot span
     * servers, so the schemas of one cluster show one instant, those of different clusters nearly the same one), or
     * the error that kept it from being backed up.
     */
    public record ClusterEntry(String cluster, String database, String serverVersion, String snapshot, String error) {}

    /**
     * One archive file; a batch archive holds several schemas, all of one cluster ({@code cluster}: null = default).
     * sha256 is null for prototype files.
     */
    public record FileEntry(String name, long size, String sha256, List<String> schemas, String cluster) {
        public FileEntry(String name, long size, String sha256, List<String> schemas) {
            this(name, size, sha256, schemas, null);
        }

        public String clusterName() {
            return cluster == null ? DEFAULT_CLUSTER : cluster;
        }
    }

    /**
     * One schema. {@code tables} = exact row counts per table at the snapshot (null for prototype backups);
     * {@code fingerprint} = the schema engine's model fingerprint when it was available. {@code cluster}: where the
     * schema was backed up (null = default); every cluster has its own shared schema, so a name alone is not unique.
     */
    public record SchemaEntry(String schema, String status, String file, Map<String, Long> tables, String fingerprint,
                              String error, String cluster) {
        public SchemaEntry(String schema, String status, String file, Map<String, Long> tables, String fingerprint,
                           String error) {
            this(schema, status, file, tables, fingerprint, error, null);
        }

        public boolean ok() {
            return "ok".equals(status);
        }

        public String clusterName() {
            return cluster == null ? DEFAULT_CLUSTER : cluster;
        }

        public SchemaEntry on(String clusterName) {
            return new SchemaEntry(schema, status, file, tables, fingerprint, error, clusterName);
        }
    }

    /** The first entry of that name; with several clusters use {@link #onCluster} first (shared is on each). */
    public Optional<SchemaEntry> schema(String name) {
        return schemas.stream().filter(s -> s.schema().equals(name)).findFirst();
    }

    /** The clusters the schemas were backed up from, in the manifest's order. */
    public List<String> clusterNames() {
        return schemas.stream().map(SchemaEntry::clusterName).distinct().toList();
    }

    /**
     * This backup seen from one cluster: only its schemas and files, with that cluster's snapshot and database. The
     * restore and verify code works on such a view, where schema names are unique again.
     */
    public Manifest onCluster(String cluster) {
        ClusterEntry c = clusters == null ? null : clusters.stream().filter(x -> x.cluster().equals(cluster)).findFirst().orElse(null);
        return new Manifest(formatVersion, id, format, status, scope, reason, taskId, startedAt, finishedAt,
                c == null ? database : c.database(), c == null ? serverVersion : c.serverVersion(), pgDumpVersion,
                c == null ? snapshot : c.snapshot(),
                files.stream().filter(f -> f.clusterName().equals(cluster)).toList(),
                schemas.stream().filter(s -> s.clusterName().equals(cluster)).toList(), c == null ? null : List.of(c));
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
