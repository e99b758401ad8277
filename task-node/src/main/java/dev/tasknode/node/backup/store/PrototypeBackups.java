package dev.tasknode.node.backup.store;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.db.Fleet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Reads the Python prototype's backups (flat {@code backup_manifest_<ts>.json} + gzipped plain-SQL dumps) into
 * {@link Manifest}s, so list_backups and restore_database treat them like ours. They carry no checksums: "valid"
 * means every file is present and its gzip stream is intact (gzip's own CRC). Files are found by
 * {@code filename} next to the manifest; the recorded absolute {@code filepath} is never used.
 */
@Component
public class PrototypeBackups {
    private static final Logger LOG = LoggerFactory.getLogger(PrototypeBackups.class);
    private static final Pattern MANIFEST = Pattern.compile("backup_manifest_(\\d{8}_\\d{6})\\.json");
    private static final Pattern FILE = Pattern.compile("backup_\\d{8}_\\d{6}_(shared|project_[a-z0-9_]+)\\.sql\\.gz");

    private final Fleet fleet;

    public PrototypeBackups(Fleet fleet) {
        this.fleet = fleet;
    }

    boolean exists(Path dir, String id) {
        return Files.exists(dir.resolve("backup_manifest_" + id + ".json"));
    }

    List<Manifest> list(Path dir) throws IOException {
        List<Manifest> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "backup_manifest_*.json")) {
            for (Path p : ds) {
                Matcher m = MANIFEST.matcher(p.getFileName().toString());
                if (m.matches()) {
                    try {
                        out.add(read(dir, p, m.group(1)));
                    } catch (RuntimeException | IOException e) {
                        LOG.warn("unreadable prototype manifest {}: {}", p, e.getMessage());
                    }
                }
            }
        }
        return out;
    }

    Optional<Manifest> get(Path dir, String id) throws IOException {
        Path p = dir.resolve("backup_manifest_" + id + ".json");
        return Files.isRegularFile(p) ? Optional.of(read(dir, p, id)) : Optional.empty();
    }

    private Manifest read(Path dir, Path manifest, String id) throws IOException {
        JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(manifest));
        JsonNode backups = root.path("backups");
        List<Manifest.FileEntry> files = new ArrayList<>();
        List<Manifest.SchemaEntry> schemas = new ArrayList<>();
        for (var e : backups.properties()) {
            String key = e.getKey();
            String schema = key.equals("shared") ? fleet.sharedSchema() : projectSchema(key);
            String name = e.getValue().path("filename").asString("");
            if (schema == null || !FILE.matcher(name).matches()) {
                LOG.warn("prototype manifest {}: ignoring entry {} ({})", manifest, key, name);
                continue;
            }
            boolean present = Files.isRegularFile(dir.resolve(name));
            long size = present ? Files.size(dir.resolve(name)) : e.getValue().path("size").asLong(0);
            files.add(new Manifest.FileEntry(name, size, null, List.of(schema)));
            schemas.add(new Manifest.SchemaEntry(schema, present ? "ok" : "failed", name, null, null,
                    present ? null : "file " + name + " is missing"));
        }
        // shared first, like our own backups, so a restore of everything restores shared before the projects
        schemas.sort((a, b) -> a.schema().equals(fleet.sharedSchema()) ? -1
                : b.schema().equals(fleet.sharedSchema()) ? 1 : a.schema().compareTo(b.schema()));
        long ok = schemas.stream().filter(Manifest.SchemaEntry::ok).count();
        String status = ok == 0 ? Manifest.FAILED : ok == schemas.size() ? Manifest.COMPLETE : Manifest.PARTIAL;
        return new Manifest(Manifest.FORMAT_VERSION, id, Manifest.PROTOTYPE, status, "all", "prototype", null,
                null, null, null, null, null, null, files, schemas);
    }

    private String projectSchema(String id) {
        try {
            return fleet.projectSchema(new Scope.Project(id).id());
        } catch (RuntimeException e) {
            return null;
        }
    }

    boolean isCached(Path p, Map<String, String> cache) throws IOException {
        return cache.containsKey(key(p));
    }

    private static String key(Path p) throws IOException {
        return "gz|" + p.toAbsolutePath() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis();
    }

    /**
     * Null when the gzip stream reads to its end with a good CRC, else the problem. With {@code useCache} an earlier
     * result for the same size + mtime is taken (list_backups only).
     */
    String checkGzip(Path p, Map<String, String> cache, boolean useCache) throws IOException {
        String key = key(p);
        if (useCache && cache.containsKey(key)) {
            String v = cache.get(key);
            return v.isEmpty() ? null : v;
        }
        String why = null;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // reading to the end checks the CRC
            }
        } catch (IOException e) {
            why = "gzip stream is damaged (" + e.getMessage() + ")";
        }
        cache.put(key, why == null ? "" : why);
        return why;
    }
}
