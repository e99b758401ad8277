package dev.tasknode.node.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.tasknode.contracts.Wire;
import dev.tasknode.testing.TestEndpoints;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points a Spring Boot node at the real test endpoints with a database and node name of its own, so test
 * classes never see each other's queues or rows and runs repeat cleanly.
 */
public final class NodeTestSupport {
    /** Node names of the Spring test contexts of this JVM: their queues are deleted when it exits. */
    private static final Set<String> NODES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(NodeTestSupport::deleteQueues, "delete-test-node-queues"));
    }

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
        NODES.add(env.nodeName());
    }

    /**
     * A test deletes its node's queues when it ends, but Spring keeps its context (cached) and the listener
     * containers declare missing queues again when they restart their consumers. At JVM exit they are gone
     * for good: the containers stop with the contexts and restart consumers only after seconds.
     */
    private static void deleteQueues() {
        if (NODES.isEmpty()) {
            return;
        }
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(TestEndpoints.rabbit().uri());
            f.setConnectionTimeout(3000);
            try (Connection c = f.newConnection("delete-test-node-queues")) {
                for (String node : NODES) {
                    for (String q : new String[] {node, Wire.controlQueue(node), node + ".dead"}) {
                        try (Channel ch = c.createChannel()) {
                            ch.queueDelete(q);
                        }
                    }
                    try (Channel ch = c.createChannel()) {
                        ch.exchangeDelete(node + ".dead");
                    }
                }
            }
        } catch (Exception e) {
            System.err.println("could not delete the test nodes' queues " + NODES + ": " + e);
        }
    }
}
