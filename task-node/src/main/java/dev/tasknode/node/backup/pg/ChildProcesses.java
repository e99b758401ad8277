package dev.tasknode.node.backup.pg;

import dev.tasknode.node.backup.BackupStartup;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.store.TaskStore;
import java.net.InetAddress;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The journal of this node's pg_dump / pg_restore / psql children ({@code node_child}). A child outlives a node
 * killed with -9: it would go on writing next to the successor's repair. So each child is recorded while it runs,
 * and at start-up ({@link BackupStartup}, before the restore repair) the children of instances that no longer
 * live are ended — the process itself when it runs on this host (same pid and start time, so a reused pid is never
 * hit), and on every host its server sessions, found by their application_name.
 */
@Component
public class ChildProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcesses.class);

    private final JdbcClient jdbc;
    private final TaskStore store;
    private final String instance;
    private final String table;
    private final String host = host();

    public ChildProcesses(JdbcClient jdbc, TaskStore store, NodeProperties props) {
        this.jdbc = jdbc;
        this.store = store;
        this.instance = props.getInstanceId();
        this.table = props.getStoreSchema() + ".node_child";
    }

    /**
     * The application_name of a child's connections: what the child does, and which instance started it (so one
     * replica never ends another live replica's sessions). At most 63 characters (PostgreSQL's limit).
     */
    public String appName(String base) {
        String s = base + " #" + instance;
        return s.length() <= 63 ? s : s.substring(0, 63);
    }

    /** Records a started child; failures are logged, never fail the task (the child runs either way). */
    public void started(Process p, String tool, String appName, String database) {
        try {
            Optional<Instant> start = p.info().startInstant();
            jdbc.sql("INSERT INTO " + table + " (instance_id, host, pid, proc_start, tool, app_name, database)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (instance_id, pid) DO UPDATE SET proc_start = EXCLUDED.proc_start,"
                            + " tool = EXCLUDED.tool, app_name = EXCLUDED.app_name, database = EXCLUDED.database")
                    .params(instance, host, p.pid(), start.map(Timestamp::from).orElse(null), tool, appName, database)
                    .update();
        } catch (RuntimeException e) {
            LOG.warn("cannot record child process {} ({}): {}", p.pid(), tool, e.toString());
        }
    }

    public void ended(Process p) {
        try {
            jdbc.sql("DELETE FROM " + table + " WHERE instance_id = ? AND pid = ?").params(instance, p.pid()).update();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the record of child process {}: {}", p.pid(), e.toString());
        }
    }

    record Orphan(String instanceId, String host, long pid, Timestamp procStart, String tool, String appName, String database) {}

    /** Ends the children of instances that no longer live (processes here, sessions everywhere); returns how many. */
    public int endOrphans() {
        List<Orphan> orphans = jdbc.sql("SELECT instance_id, host, pid, proc_start, tool, app_name, database FROM " + table
                        + " WHERE instance_id <> ? AND instance_id NOT IN (" + store.aliveInstancesSql() + ")")
                .param(instance)
                .query((rs, n) -> new Orphan(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4),
                        rs.getString(5), rs.getString(6), rs.getString(7))).list();
        for (Orphan o : orphans) {
            boolean killed = host.equals(o.host()) && kill(o);
            int sessions = jdbc.sql("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                            + " WHERE application_name = ? AND datname = ? AND pid <> pg_backend_pid()")
                    .params(o.appName(), o.database()).query(Integer.class).single();
            LOG.warn("ended what instance {} left behind: {} (pid {} on {}){}, {} server session(s) '{}'", o.instanceId(),
                    o.tool(), o.pid(), o.host(), killed ? " killed" : " not running here", sessions, o.appName());
            jdbc.sql("DELETE FROM " + table + " WHERE instance_id = ? AND pid = ?").params(o.instanceId(), o.pid()).update();
        }
        return orphans.size();
    }

    /** Kills the process if it is still the recorded child (same pid, same start time, same tool), children first. */
    private static boolean kill(Orphan o) {
        Optional<ProcessHandle> h = ProcessHandle.of(o.pid());
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        ProcessHandle.Info info = h.get().info();
        boolean sameStart = o.procStart() == null || info.startInstant().map(s ->
                Duration.between(s, o.procStart().toInstant()).abs().compareTo(Duration.ofSeconds(2)) < 0).orElse(false);
        boolean sameTool = info.command().map(c -> c.endsWith(java.nio.file.Path.of(o.tool()).getFileName().toString()))
                .orElse(false);
        if (!sameStart || !sameTool) {
            return false; // the pid was reused by another process
        }
        h.get().descendants().forEach(ProcessHandle::destroyForcibly);
        h.get().destroyForcibly();
        try {
            h.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("child {} did not end within 10 s of SIGKILL: {}", o.pid(), e.toString());
        }
        return true;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
