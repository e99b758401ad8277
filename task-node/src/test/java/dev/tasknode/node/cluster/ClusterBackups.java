package dev.tasknode.node.cluster;

import dev.tasknode.node.backup.BackupClusters;
import dev.tasknode.node.backup.BackupMetrics;
import dev.tasknode.node.backup.BackupPreMigration;
import dev.tasknode.node.backup.BackupProperties;
import dev.tasknode.node.backup.dump.BackupService;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.restore.ReplacedCopies;
import dev.tasknode.node.backup.restore.RestoreService;
import dev.tasknode.node.backup.restore.SchemaSwap;
import dev.tasknode.node.backup.store.BackupStore;
import dev.tasknode.node.backup.store.BackupTestAccess;
import dev.tasknode.node.backup.store.PrototypeBackups;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.db.SchemaFingerprints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The backup beans wired by hand over a {@link TwoClusters} registry, as the node wires them: a temp BACKUP_DIR
 * (0700), the home cluster's tools, and the pre-migration backup in {@code beans} for apply with backup=true.
 */
final class ClusterBackups implements AutoCloseable {
    final Path dir;
    final BackupClusters clusters;
    final BackupStore store;
    final BackupService backups;
    final RestoreService restore;
    final ReplacedCopies replaced;
    final StaticListableBeanFactory beans = new StaticListableBeanFactory();

    ClusterBackups(TwoClusters two, ClusterRegistry registry) throws Exception {
        dir = Files.createTempDirectory("tn_bk-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        BackupProperties props = new BackupProperties();
        props.setDir(dir);
        props.setWorkers(2);
        props.setSchemaLockWait(Duration.ofSeconds(5));
        PgTools pg = new PgTools(props, PgTools.Target.fromJdbc(two.pg1.urlFor(two.db1), two.pg1.user(), two.pg1.password()));
        clusters = new BackupClusters(registry, two.home, registry.home().fleet(), pg);
        store = new BackupStore(props, new PrototypeBackups(registry.home().fleet()));
        backups = new BackupService(clusters, store, beans.getBeanProvider(SchemaFingerprints.class),
                new BackupMetrics(new SimpleMeterRegistry()));
        SchemaSwap swap = new SchemaSwap(new NodeProperties());
        try (Connection c = two.home.getConnection()) {
            swap.ensureJournal(c);
        }
        restore = new RestoreService(clusters, store, backups, swap);
        replaced = new ReplacedCopies(clusters, swap);
        beans.addBean("preMigration", new BackupPreMigration(backups, two.home));
    }

    /** The same store and tools over another registry (another placement, a cluster that does not answer). */
    BackupService over(ClusterRegistry other) {
        return new BackupService(new BackupClusters(other, clusters.home().ds(), other.home().fleet(), clusters.home().pg()),
                store, beans.getBeanProvider(SchemaFingerprints.class), new BackupMetrics(new SimpleMeterRegistry()));
    }

    @Override
    public void close() {
        BackupTestAccess.deleteTree(dir);
    }
}
