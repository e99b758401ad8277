package dev.tasknode.node.support;

import dev.tasknode.testing.TestEndpoints;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points a Spring Boot node at the real test endpoints with a database and node name of its own, so test
 * classes never see each other's queues or rows and runs repeat cleanly.
 */
public final class NodeTestSupport {
    private NodeTestSupport() {}

    public record Env(String database, String nodeName) {
        public String jdbcUrl() {
            return TestEndpoints.postgres().urlFor(database);
        }
    }

    public static Env create(String prefix) {
        return new Env(TestEndpoints.createDatabase(prefix), TestEndpoints.uniqueName("test.node." + prefix));
    }

    public static void register(DynamicPropertyRegistry r, Env env) {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        TestEndpoints.Rabbit rabbit = TestEndpoints.rabbit();
        r.add("spring.datasource.url", env::jdbcUrl);
        r.add("spring.datasource.username", pg::user);
        r.add("spring.datasource.password", pg::password);
        r.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        r.add("spring.rabbitmq.host", rabbit::host);
        r.add("spring.rabbitmq.port", rabbit::port);
        r.add("spring.rabbitmq.username", rabbit::user);
        r.add("spring.rabbitmq.password", rabbit::password);
        r.add("tasknode.node-name", env::nodeName);
    }
}
