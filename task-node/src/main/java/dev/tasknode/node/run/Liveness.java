package dev.tasknode.node.run;

import dev.tasknode.node.broker.Publisher;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.store.TaskRow;
import dev.tasknode.node.store.TaskStore;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells live replicas from dead ones without heartbeats or clocks: each process holds a session advisory lock
 * on a connection of its own for as long as it lives. When the process dies (kill -9, OOM, lost host) its
 * connection closes and the lock is gone, so any replica — or the restarted node — can mark that process's
 * runs interrupted at once instead of leaving them "running" forever.
 */
@Component
public class Liveness implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Liveness.class);

    private final DataSource dataSource;
    private final TaskStore store;
    private final Publisher publisher;
    private final NodeProperties props;
    private Connection held;

    public Liveness(DataSource dataSource, TaskStore store, Publisher publisher, NodeProperties props) {
        this.dataSource = dataSource;
        this.store = store;
        this.publisher = publisher;
        this.props = props;
    }

    /** Takes (or re-takes, after the database restarted) this process's liveness lock. */
    public synchronized void ensureHeld() throws SQLException {
        if (held != null && held.isValid(2)) {
            return;
        }
        if (held != null) {
            try {
                held.close();
            } catch (SQLException ignored) {
                // it is broken anyway
            }
        }
        int key = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        Connection c = dataSource.getConnection();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + TaskStore.LIVENESS_LOCK_CLASS + ", " + key + ")");
        }
        held = c;
        store.registerInstance(props.getInstanceId(), props.getNodeName(), key, host());
    }

    /** Marks the runs of dead processes interrupted and tells their callers. */
    public void reap() {
        for (TaskRow row : store.reapOrphans(props.getNodeName())) {
            log.warn("task {} {} was running on a node that stopped: marked interrupted", row.task(), row.taskId());
            publisher.event(row.toResult());
        }
    }

    @Override
    public synchronized void close() {
        if (held != null) {
            try {
                held.close();
            } catch (SQLException ignored) {
                // closing releases the lock either way
            }
            held = null;
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

}
