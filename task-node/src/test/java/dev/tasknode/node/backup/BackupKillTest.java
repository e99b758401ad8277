package dev.tasknode.node.backup;

import static dev.tasknode.node.support.NodeProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.store.BackupTestAccess;
import dev.tasknode.node.support.NodeProcess;
import dev.tasknode.node.support.NodeProcesses;
import dev.tasknode.node.support.ProtocolClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the whole node (a real process) in the middle of a backup and of a restore: after the restart
 * nothing is lost and nothing is half done.
 */
class BackupKillTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    NodeProcesses nodes;
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        nodes = new NodeProcesses("tnrel_bkkill");
        dir = Files.createTempDirectory("tn-kill-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        nodes.exec("CREATE SCHEMA shared; CREATE TABLE shared.projects (id text PRIMARY KEY); INSERT INTO shared.projects VALUES ('1');"
                + BackupFixture.project("1", 10)
                // enough data that pg_dump / pg_restore run for a few seconds
                + "CREATE TABLE p_1.big AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) AS a FROM generate_series(1, 1500000) g;"
                + "ALTER TABLE p_1.big ADD PRIMARY KEY (id);");
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
        BackupTestAccess.deleteTree(dir);
    }

    private NodeProcess node(String instance, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--tasknode.backup.dir=" + dir, "--tasknode.backup.workers=1"));
        args.addAll(List.of(more));
        return nodes.start(instance, args.toArray(String[]::new));
    }

    /** -1 while the query fails, e.g. on the journal table before the node created it. */
    private long count(String sql) {
        return nodes.countOr(-1, sql);
    }

    @Test
    void killDuringRestoreThenRestartPutsTheOriginalBack() throws Exception {
        NodeProcess first = node("first");
        ProtocolClient.Call backup = nodes.client().start("backup_database", Map.of("param", "1"));
        TaskResult b = backup.result(Duration.ofMinutes(3));
        assertThat(b.status()).isEqualTo(TaskStatus.SUCCEEDED);
        String id = String.valueOf(dev.tasknode.contracts.Json.MAPPER.convertValue(b.result(), Map.class).get("backup_id"));
        nodes.exec("UPDATE p_1.items SET payload = 'after the backup' WHERE id = 1");
        String before = state();
        nodes.client().start("restore_database", Map.of("param", id + ":1", "safety_backup", false));
        // mid-way: the original is aside, pg_restore is writing the new p_1
        await(() -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND split_part(application_name, ' #', 1) = 'tn-restore:p_1'") > 0, WAIT);
        assertThat(count("SELECT count(*) FROM tasknode.backup_restore_journal")).isEqualTo(1);
        first.kill9();
        node("second");
        await(() -> count("SELECT count(*) FROM tasknode.backup_restore_journal") == 0, WAIT);
        assertThat(count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE '\\_restore\\_%'")).isZero();
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void killDuringBackupLeavesNoHalfBackup() throws Exception {
        NodeProcess first = node("first");
        nodes.client().start("backup_database", Map.of("param", ""));
        // this database only: other runs on the same server have pg_dumps of their own
        await(() -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND split_part(application_name, ' #', 1) = 'tasknode-backup'") > 0, WAIT);
        assertThat(tmpDirs()).isNotEmpty();
        first.kill9();
        node("second");
        await(() -> tmpDirs().isEmpty(), WAIT);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty(); // nothing listed: no backup, no leftover
        }
        // and the next backup works
        TaskResult again = nodes.client().start("backup_database", Map.of("param", "shared")).result(Duration.ofMinutes(3));
        assertThat(again.status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void theSuccessorEndsThePgDumpItsKilledPredecessorLeft() throws Exception {
        try (Connection holder = nodes.connect(); Statement st = holder.createStatement()) {
            // pg_dump waits for this lock (its lock-wait-timeout is raised below): a dump that would run on for long
            holder.setAutoCommit(false);
            st.execute("LOCK TABLE p_1.big IN ACCESS EXCLUSIVE MODE");
            NodeProcess first = node("first", "--tasknode.backup.lock-wait-timeout=10m");
            nodes.client().start("backup_database", Map.of("param", "1"));
            await(() -> count("SELECT count(*) FROM tasknode.node_child WHERE instance_id = 'first'") > 0, WAIT);
            long pid = count("SELECT pid FROM tasknode.node_child WHERE instance_id = 'first'");
            await(() -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'tasknode-backup #first'") > 0, WAIT);
            first.kill9();
            Thread.sleep(1000);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("pg_dump outlives its node")
                    .contains(true);
            node("second");
            await(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), WAIT);
            await(() -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'tasknode-backup #first'") == 0, WAIT);
            assertThat(count("SELECT count(*) FROM tasknode.node_child WHERE instance_id = 'first'")).isZero();
            holder.rollback();
        }
        await(() -> tmpDirs().isEmpty(), WAIT);
    }

    private List<Path> tmpDirs() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(BackupTestAccess.TMP)).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String state() throws Exception {
        try (Connection c = nodes.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT (SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM p_1.items x)"
                        + " || (SELECT count(*) FROM p_1.big) || (SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM p_1.notes x)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
