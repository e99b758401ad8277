package dev.tasknode.node.web;

import dev.tasknode.testing.TestEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real node for the Admin tests: a fresh database, a unique node name (so queues never collide with other
 * test classes), a private backup directory, and two people: alice (ADMIN) and bob (OPERATOR).
 */
final class AdminTestNode {
    static final String ADMIN = "alice";
    static final String ADMIN_PASSWORD = "alice-secret-1";
    static final String OPERATOR = "bob";
    static final String OPERATOR_PASSWORD = "bob-secret-2";

    final String database;
    final String nodeName;
    final Path backupDir;

    AdminTestNode() {
        this("admin_ui");
    }

    /** @param prefix of the database and node names (a test class's own) */
    AdminTestNode(String prefix) {
        database = TestEndpoints.createDatabase(prefix);
        nodeName = TestEndpoints.uniqueName(prefix + "_node");
        try {
            backupDir = Files.createTempDirectory("tasknode-admin-backups");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void register(DynamicPropertyRegistry r) {
        properties().forEach((k, v) -> r.add(k, () -> v));
    }

    /** The node's settings: this database, the shared test broker, this node name, alice and bob. */
    java.util.Map<String, String> properties() {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        TestEndpoints.Rabbit mq = TestEndpoints.rabbit();
        java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("spring.datasource.url", pg.urlFor(database));
        p.put("spring.datasource.username", pg.user());
        p.put("spring.datasource.password", pg.password());
        p.put("spring.rabbitmq.host", mq.host());
        p.put("spring.rabbitmq.port", Integer.toString(mq.port()));
        p.put("spring.rabbitmq.username", mq.user());
        p.put("spring.rabbitmq.password", mq.password());
        p.put("tasknode.node-name", nodeName);
        p.put("tasknode.auth.mutating-users", mq.user());
        p.put("tasknode.backup.dir", backupDir.toString());
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4); // cheap rounds: tests only
        p.put("tasknode.admin.users[0].name", ADMIN);
        p.put("tasknode.admin.users[0].password", bcrypt.encode(ADMIN_PASSWORD));
        p.put("tasknode.admin.users[0].roles", "ADMIN");
        p.put("tasknode.admin.users[1].name", OPERATOR);
        p.put("tasknode.admin.users[1].password", bcrypt.encode(OPERATOR_PASSWORD));
        p.put("tasknode.admin.users[1].roles", "OPERATOR");
        return p;
    }

    /** Drops the database and the node's durable queues: a test run leaves nothing on the shared broker. */
    void drop() {
        try (dev.tasknode.node.support.ProtocolClient c = new dev.tasknode.node.support.ProtocolClient(nodeName)) {
            c.deleteNodeQueues();
        } catch (Exception e) {
            throw new IllegalStateException("could not delete the test node's queues: " + e.getMessage(), e);
        } finally {
            TestEndpoints.dropDatabaseLater(database);
        }
    }
}
