package dev.tasknode.node.support;

import dev.tasknode.testing.TestEndpoints;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The real node processes of one test, their own database and node name, and a protocol client to them: what
 * the kill -9 tests share. Closing it stops every process, deletes the node's queues and drops the database.
 */
public final class NodeProcesses implements AutoCloseable {
    private final NodeTestSupport.Env env;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private ProtocolClient client;

    public NodeProcesses(String prefix) {
        this.env = NodeTestSupport.create(prefix);
    }

    public NodeTestSupport.Env env() {
        return env;
    }

    /** Starts one more node process on this test's database and queues. */
    public NodeProcess start(String instance, String... args) throws Exception {
        NodeProcess n = NodeProcess.start(env, instance, args);
        nodes.add(n);
        if (client == null) {
            client = new ProtocolClient(env.nodeName());
        }
        return n;
    }

    /** The client to the node's queues; there once the first node started. */
    public ProtocolClient client() {
        if (client == null) {
            throw new IllegalStateException("start a node first");
        }
        return client;
    }

    public Connection connect() throws SQLException {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        return DriverManager.getConnection(env.jdbcUrl(), pg.user(), pg.password());
    }

    public void exec(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The first column of the first row, as a number; a failing query fails the test, naming it. */
    public long count(String sql) {
        try {
            return query(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #count} where the query may fail for now (a table the node has not created yet). */
    public long countOr(long whenFailing, String sql) {
        try {
            return query(sql);
        } catch (SQLException e) {
            return whenFailing;
        }
    }

    private long query(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static void await(BooleanSupplier cond, Duration wait) throws InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + wait);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        for (NodeProcess n : nodes) {
            n.close();
        }
        if (client != null) {
            client.deleteNodeQueues();
            client.close();
        }
        TestEndpoints.dropDatabaseLater(env.database());
    }
}
