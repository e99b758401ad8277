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

    final String database = TestEndpoints.createDatabase("admin_ui");
    final String nodeName = TestEndpoints.uniqueName("admin_ui_node");
    final Path backupDir;

    AdminTestNode() {
        try {
            backupDir = Files.createTempDirectory("tasknode-admin-backups");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void register(DynamicPropertyRegistry r) {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        TestEndpoints.Rabbit mq = TestEndpoints.rabbit();
        r.add("spring.datasource.url", () -> pg.urlFor(database));
        r.add("spring.datasource.username", pg::user);
        r.add("spring.datasource.password", pg::password);
        r.add("spring.rabbitmq.host", mq::host);
        r.add("spring.rabbitmq.port", mq::port);
        r.add("spring.rabbitmq.username", mq::user);
        r.add("spring.rabbitmq.password", mq::password);
        r.add("tasknode.node-name", () -> nodeName);
        r.add("tasknode.auth.mutating-users", mq::user);
        r.add("tasknode.backup.dir", backupDir::toString);
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4); // cheap rounds: tests only
        r.add("tasknode.admin.users[0].name", () -> ADMIN);
        r.add("tasknode.admin.users[0].password", () -> bcrypt.encode(ADMIN_PASSWORD));
        r.add("tasknode.admin.users[0].roles", () -> "ADMIN");
        r.add("tasknode.admin.users[1].name", () -> OPERATOR);
        r.add("tasknode.admin.users[1].password", () -> bcrypt.encode(OPERATOR_PASSWORD));
        r.add("tasknode.admin.users[1].roles", () -> "OPERATOR");
    }

    /** Drops the database and the node's durable queues: a test run leaves nothing on the shared broker. */
    void drop() {
        try (dev.tasknode.node.support.ProtocolClient c = new dev.tasknode.node.support.ProtocolClient(nodeName)) {
            c.deleteNodeQueues();
        } catch (Exception e) {
            throw new IllegalStateException("could not delete the test node's queues: " + e.getMessage(), e);
        } finally {
            TestEndpoints.dropDatabase(database);
        }
    }
}
