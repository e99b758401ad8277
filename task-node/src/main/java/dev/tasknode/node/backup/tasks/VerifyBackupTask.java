package dev.tasknode.node.backup.tasks;

import dev.tasknode.contracts.tasks.TaskCatalog;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.backup.BackupClusters;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.db.SchemaFingerprints;
import dev.tasknode.node.task.Task;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskOutcome;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPInputStream;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * verify_backup: checksums, then a full restore into a scratch database on the same server, row counts (and model
 * fingerprints when the schema engine provides them) compared with the manifest; the scratch database is always
 * dropped. Proves the backup restores, without touching a live schema. A backup of several clusters is verified per
 * cluster, each cluster's part in a scratch database on that same cluster (same server version, same extensions).
 */
@Component
public class VerifyBackupTask implements Task {
    public record Result(String backupId, boolean valid, int schemasChecked, List<String> problems) {}

    private final BackupStore store;
    private final BackupClusters clusters;
    private final ObjectProvider<SchemaFingerprints> fingerprints;

    /** One cluster, wired by hand (tests). */
    public VerifyBackupTask(BackupStore store, PgTools pg, DataSource ds, ObjectProvider<SchemaFingerprints> fingerprints) {
        this(store, BackupClusters.single(ds, null, pg), fingerprints);
    }

    @Autowired
    public VerifyBackupTask(BackupStore store, BackupClusters clusters, ObjectProvider<SchemaFingerprints> fingerprints) {
        this.store = store;
        this.clusters = clusters;
        this.fingerprints = fingerprints;
    }

    @Override
    public TaskSpec spec() {
        return TaskCatalog.VERIFY_BACKUP;
    }

    @Override
    public TaskOutcome run(TaskContext ctx) throws Exception {
        Manifest m = store.get(ctx.params().string("backup_id"));
        List<String> problems = new ArrayList<>(store.check(m, m.files()));
        List<Manifest.SchemaEntry> schemas = m.schemas().stream().filter(Manifest.SchemaEntry::ok).toList();
        if (problems.isEmpty()) {
            for (String cluster : m.clusterNames()) {
                Manifest part = m.onCluster(cluster);
                List<Manifest.SchemaEntry> ok = part.schemas().stream().filter(Manifest.SchemaEntry::ok).toList();
                if (ok.isEmpty()) {
                    continue;
                }
                var site = clusters.find(cluster);
                if (site.isEmpty()) {
                    problems.add("cluster " + cluster + " is not configured (configured: " + clusters.names() + "): its "
                            + ok.size() + " schema(s) were not verified");
                    continue;
                }
                try {
                    problems.addAll(verifyOn(ctx, site.get(), part, ok));
                } catch (java.sql.SQLException e) {
                    problems.add("cluster " + cluster + ": " + dev.tasknode.node.cluster.ClusterRegistry.describe(e)
                            + "; its " + ok.size() + " schema(s) were not verified");
                }
            }
        }
        problems.forEach(p -> ctx.log().error(p));
        Result r = new Result(m.id(), problems.isEmpty(), schemas.size(), problems);
        return problems.isEmpty()
                ? TaskOutcome.ok("backup " + m.id() + " verified: " + schemas.size() + " schema(s) restore and match", r)
                : TaskOutcome.failed("backup " + m.id() + " failed verification: " + problems.size() + " problem(s)", r);
    }

    /** One cluster's part into a scratch database on that cluster, always dropped. */
    private List<String> verifyOn(TaskContext ctx, BackupClusters.Site site, Manifest m, List<Manifest.SchemaEntry> schemas)
            throws Exception {
        String scratch = "tn_verify_" + m.id() + "_" + HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt()});
        try (Connection c = site.ds().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + scratch + " TEMPLATE template0");
        }
        try {
            ctx.log().info("restoring %s into scratch database %s%s", m.id(), scratch, clusters.single() ? ""
                    : " on cluster " + site.name());
            List<String> found = restoreAndCompare(ctx, site.pg(), m, schemas, scratch);
            return site.home() ? found : found.stream().map(p -> "cluster " + site.name() + ": " + p).toList();
        } finally {
            try (Connection c = site.ds().getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + scratch + " WITH (FORCE)");
            }
        }
    }

    private List<String> restoreAndCompare(TaskContext ctx, PgTools pg, Manifest m, List<Manifest.SchemaEntry> schemas,
                                           String scratch) throws Exception {
        List<String> problems = new ArrayList<>();
        // files in the order of their first schema: shared's file first, so foreign keys into it resolve
        LinkedHashSet<String> files = new LinkedHashSet<>();
        schemas.forEach(s -> files.add(s.file()));
        int i = 0;
        for (String f : files) {
            ctx.checkCancelled();
            ctx.progress(i++, files.size(), "restoring " + f);
            Path file = store.file(m, f);
            PgTools.Result r;
            if (Manifest.PROTOTYPE.equals(m.format())) {
                r = pg.run(ctx, pg.command(pg.props().getPsql(), scratch, List.of("-X", "-q", "-v", "ON_ERROR_STOP=1",
                        "--single-transaction", "-f", "-")), "tn-verify", null, os -> {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                        in.transferTo(os);
                    }
                });
            } else {
                r = pg.run(ctx, pg.command(pg.props().getPgRestore(), scratch, List.of("--exit-on-error", file.toString())),
                        "tn-verify", null, null);
            }
            if (!r.ok()) {
                problems.add(f + " does not restore: " + r.tail());
                return problems;
            }
        }
        PgTools.Target t = pg.target();
        try (Connection c = DriverManager.getConnection(t.jdbcUrl(scratch), t.user(), t.password())) {
            for (Manifest.SchemaEntry s : schemas) {
                Map<String, Long> rows = SchemaCatalog.rowCounts(c, s.schema());
                if (s.tables() != null && !s.tables().equals(rows)) {
                    problems.add(s.schema() + ": row counts differ from the manifest");
                }
            }
            SchemaFingerprints fp = fingerprints.getIfAvailable();
            if (fp != null) {
                Map<String, String> now = fp.fingerprints(c, schemas.stream().map(Manifest.SchemaEntry::schema).toList());
                for (Manifest.SchemaEntry s : schemas) {
                    if (s.fingerprint() != null && !Objects.equals(s.fingerprint(), now.get(s.schema()))) {
                        problems.add(s.schema() + ": model fingerprint differs from the manifest");
                    }
                }
            }
        }
        return problems;
    }
}
