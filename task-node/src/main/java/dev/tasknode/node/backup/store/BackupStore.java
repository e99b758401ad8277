package dev.tasknode.node.backup.store;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.RestoreSpec;
import dev.tasknode.node.backup.BackupProperties;
import dev.tasknode.node.task.TaskFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The backup directory: {@code <dir>/<id>/manifest.json} plus the archives, written first into
 * {@code <dir>/.tmp-<id>} (0700, files 0600) and renamed into place only when complete, so a crash never leaves a
 * half backup listed. The prototype's flat files are read through {@link PrototypeBackups}.
 */
@Component
public class BackupStore {
    private static final Logger LOG = LoggerFactory.getLogger(BackupStore.class);
    static final Pattern ID = Pattern.compile("\\d{8}_\\d{6}");
    static final String TMP = ".tmp-";
    static final String MANIFEST = "manifest.json";

    private final BackupProperties props;
    private final PrototypeBackups prototype;
    /**
     * sha256 by (path, size, mtime), for list_backups only: it checks every file of every backup, and large archives
     * are slow to hash. Restore, verify and show hash in full (a flipped bit keeps size and time).
     */
    private final Map<String, String> digests = new ConcurrentHashMap<>();

    public BackupStore(BackupProperties props, PrototypeBackups prototype) {
        this.props = props;
        this.prototype = prototype;
    }

    public Path dir() {
        return props.getDir();
    }

    /** Empty when usable, else why not (for the task error and the health warning). */
    public Optional<String> problem() {
        Path d = dir();
        if (!Files.exists(d)) {
            return Optional.of("backup directory " + d + " does not exist (set BACKUP_DIR / tasknode.backup.dir)");
        }
        if (!Files.isDirectory(d)) {
            return Optional.of("backup directory " + d + " is not a directory");
        }
        if (!Files.isWritable(d) || !Files.isExecutable(d)) {
            return Optional.of("backup directory " + d + " is not writable by this process");
        }
        return Optional.empty();
    }

    public void requireUsable() {
        problem().ifPresent(p -> {
            throw new TaskFailedException(ErrorCode.TASK_FAILED, p);
        });
    }

    /** A reserved, still invisible backup: its temp dir is locked (OS file lock) for as long as the backup runs. */
    public final class Pending implements AutoCloseable {
        final String id;
        final Path tmp;
        private final FileChannel lockFile;
        private boolean committed;

        Pending(String id, Path tmp, FileChannel lockFile) {
            this.id = id;
            this.tmp = tmp;
            this.lockFile = lockFile;
        }

        public String id() {
            return id;
        }

        public Path dir() {
            return tmp;
        }

        /** A new empty file, 0600, in the temp dir. */
        public Path newFile(String name) throws IOException {
            Path f = tmp.resolve(name);
            Files.deleteIfExists(f);
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            return f;
        }

        /** Writes the manifest, fsyncs everything, renames the directory into place. */
        public Path commit(Manifest m) throws IOException {
            Path mf = newFile(MANIFEST);
            Files.write(mf, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(m), StandardOpenOption.WRITE);
            Files.deleteIfExists(tmp.resolve(".lock")); // still locked through the open channel until close()
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.toList()) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                    fsync(f, false);
                }
            }
            fsync(tmp, true);
            Path target = BackupStore.this.dir().resolve(id);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("backup directory " + BackupStore.this.dir() + " does not support atomic rename", e);
            }
            fsync(BackupStore.this.dir(), true);
            committed = true;
            return target;
        }

        @Override
        public void close() {
            try {
                lockFile.close();
            } catch (IOException ignored) {
                // released with the channel anyway
            }
            if (!committed) {
                deleteTree(tmp);
            }
        }
    }

    /**
     * Reserves a unique id: the current UTC second, or the next free one. Creating the temp dir is the atomic
     * claim (two backups, even on two replicas sharing the directory, never get one id); the final name and the
     * prototype's manifest are checked after the claim, so a backup that renamed itself meanwhile is seen.
     */
    public Pending reserve() throws IOException {
        requireUsable();
        LocalDateTime t = LocalDateTime.now(ZoneOffset.UTC).withNano(0);
        for (int i = 0; i < 3600; i++, t = t.plusSeconds(1)) {
            String id = RestoreSpec.formatBackupId(t);
            Path tmp = dir().resolve(TMP + id);
            try {
                Files.createDirectory(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            if (Files.exists(dir().resolve(id)) || prototype.exists(dir(), id)) {
                Files.delete(tmp);
                continue;
            }
            FileChannel ch = FileChannel.open(tmp.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ch.lock();
            return new Pending(id, tmp, ch);
        }
        throw new IOException("no free backup id in the next hour");
    }

    /** Every backup, newest first: tasknode's and the prototype's. */
    public List<Manifest> list() throws IOException {
        requireUsable();
        List<Manifest> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir())) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (ID.matcher(n).matches() && Files.isRegularFile(p.resolve(MANIFEST))) {
                    try {
                        out.add(read(p));
                    } catch (RuntimeException | IOException e) {
                        LOG.warn("unreadable backup manifest {}: {}", p, e.getMessage());
                    }
                }
            }
        }
        out.addAll(prototype.list(dir()));
        out.sort(Comparator.comparing(Manifest::id).reversed().thenComparing(Manifest::format, Comparator.reverseOrder()));
        return out;
    }

    /** The backup with this id (tasknode's first, then the prototype's); not_found otherwise. */
    public Manifest get(String id) throws IOException {
        requireUsable();
        RestoreSpec.parseBackupId("backup_id", id, "a backup id YYYYMMDD_HHMMSS");
        Path p = dir().resolve(id).normalize();
        if (!p.getParent().equals(dir().normalize())) {
            throw new TaskFailedException(ErrorCode.NOT_FOUND, "no backup " + id);
        }
        if (Files.isRegularFile(p.resolve(MANIFEST))) {
            return read(p);
        }
        return prototype.get(dir(), id).orElseThrow(() -> new TaskFailedException(ErrorCode.NOT_FOUND,
                "no backup " + id + " in " + dir() + " (list_backups shows the backups there)"));
    }

    /** Path of one of a backup's files (prototype files lie flat next to their manifest). */
    public Path file(Manifest m, String name) {
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new TaskFailedException(ErrorCode.TASK_FAILED, "manifest of " + m.id() + " names a bad file: " + name);
        }
        return Manifest.PROTOTYPE.equals(m.format()) ? dir().resolve(name) : dir().resolve(m.id()).resolve(name);
    }

    private static Manifest read(Path backupDir) throws IOException {
        return Json.MAPPER.readValue(Files.readAllBytes(backupDir.resolve(MANIFEST)), Manifest.class);
    }

    /** What a check found: its problems (empty = intact), and whether a result came from the cache. */
    public record Check(List<String> problems, boolean cached) {}

    /**
     * Problems of the given files (missing, size or checksum different); empty = intact. Every file is read and
     * hashed in full: restore, verify and show trust no cache, since bit rot keeps a file's size and time.
     */
    public List<String> check(Manifest m, List<Manifest.FileEntry> files) {
        return check(m, files, false).problems();
    }

    /**
     * Like {@link #check(Manifest, List)}; with {@code useCache} a file unchanged in size and modification time
     * since it was last hashed is taken as it was then (list_backups, which checks every backup), and the
     * result says so.
     */
    public Check check(Manifest m, List<Manifest.FileEntry> files, boolean useCache) {
        List<String> problems = new ArrayList<>();
        boolean cached = false;
        for (Manifest.FileEntry f : files) {
            Path p = file(m, f.name());
            try {
                if (!Files.isRegularFile(p)) {
                    problems.add(f.name() + " is missing");
                } else if (f.sha256() == null) {
                    cached |= useCache && prototype.isCached(p, digests);
                    String why = prototype.checkGzip(p, digests, useCache);
                    if (why != null) {
                        problems.add(f.name() + ": " + why);
                    }
                } else if (Files.size(p) != f.size()) {
                    problems.add(f.name() + " has " + Files.size(p) + " bytes, the manifest says " + f.size());
                } else if (useCache && digests.containsKey(key(p))) {
                    cached = true;
                    if (!f.sha256().equals(digests.get(key(p)))) {
                        problems.add(f.name() + " does not match its sha256 checksum (corrupted)");
                    }
                } else if (!f.sha256().equals(sha256(p))) {
                    problems.add(f.name() + " does not match its sha256 checksum (corrupted)");
                }
            } catch (IOException e) {
                problems.add(f.name() + " cannot be read: " + e.getMessage());
            }
        }
        return new Check(List.copyOf(problems), cached);
    }

    private static String key(Path p) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(p);
        return p.toAbsolutePath() + "|" + Files.size(p) + "|" + mtime.toMillis();
    }

    /** Reads the whole file and hashes it (never from the cache); remembers the result for list_backups. */
    public String sha256(Path p) throws IOException {
        String key = key(p);
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            String hex = HexFormat.of().formatHex(md.digest());
            digests.put(key, hex);
            return hex;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a backup (prune). Renamed out of sight first, so a crash midway never leaves a half backup listed. */
    public void delete(Manifest m) throws IOException {
        if (Manifest.PROTOTYPE.equals(m.format())) {
            throw new IllegalArgumentException("prototype backups are not pruned");
        }
        Path p = dir().resolve(m.id());
        Path gone = dir().resolve(TMP + m.id() + "-deleted");
        Files.move(p, gone, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(gone);
    }

    /**
     * Start-up: removes temp dirs whose backup is no longer running. A running backup (this or another replica
     * sharing the directory) holds the OS lock on its {@code .lock} file; a killed one does not.
     */
    public int cleanLeftovers() {
        if (problem().isPresent()) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir(), TMP + "*")) {
            for (Path p : ds) {
                if (!held(p.resolve(".lock"))) {
                    LOG.info("removing leftover of an interrupted backup: {}", p);
                    deleteTree(p);
                    n++;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean leftovers in {}: {}", dir(), e.getMessage());
        }
        return n;
    }

    private static boolean held(Path lock) {
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true; // held by this very process
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", p, e.getMessage());
        }
    }

    static void fsync(Path p, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(p, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
