package dev.tasknode.node.deploy;

import static dev.tasknode.node.deploy.DeployFiles.deploy;
import static dev.tasknode.node.deploy.DeployFiles.list;
import static dev.tasknode.node.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/rabbitmq/definitions.json: the topology of docs/protocol.md, and users whose permissions allow
 * exactly what the protocol needs them to do (RabbitMQ's permission table: declare = configure on the
 * queue/exchange; publish = write on the exchange, "" being amq.default; bind = write on the queue and
 * read on the exchange; consume = read on the queue).
 */
class DeployRabbitDefinitionsTest {
    private static final String NODE = "admin.task_node";
    private static final String CONTROL = NODE + ".control";
    private static final String EVENTS = "tasknode.events";
    private static final String DEFAULT_EXCHANGE = "amq.default";
    private static final String REPLY_QUEUE = "amq.gen-JzTY20BRgKO-HjmUJj0wLg";

    private final Map<String, Object> defs = DeployFiles.jsonMap(deploy("rabbitmq/definitions.json"));

    @Test
    void requestAndControlQueuesAreDurableQuorumQueues() {
        for (String name : List.of(NODE, CONTROL)) {
            Map<String, Object> q = find("queues", name);
            assertThat(q.get("durable")).isEqualTo(true);
            assertThat(q.get("auto_delete")).isEqualTo(false);
            assertThat(map(q.get("arguments"), "arguments")).containsEntry("x-queue-type", "quorum");
        }
    }

    @Test
    void queuesHaveExactlyTheArgumentsTheNodeDeclares() {
        // a queue the broker already has with other arguments makes the node's own declaration fail
        dev.tasknode.node.config.NodeProperties props = new dev.tasknode.node.config.NodeProperties();
        props.setNodeName(NODE);
        var declared = dev.tasknode.node.broker.BrokerTopology.topology(props)
                .getDeclarablesByType(org.springframework.amqp.core.Queue.class);
        assertThat(declared).extracting(org.springframework.amqp.core.Queue::getName)
                .containsExactlyInAnyOrder(NODE, CONTROL, NODE + ".dead");
        for (var q : declared) {
            Map<String, Object> file = map(find("queues", q.getName()).get("arguments"), "arguments");
            assertThat(file).as(q.getName()).isEqualTo(q.getArguments());
        }
        assertThat(map(find("queues", NODE).get("arguments"), "arguments"))
                .containsEntry("x-dead-letter-exchange", NODE + ".dead").containsKey("x-delivery-limit");
        Map<String, Object> dead = find("exchanges", NODE + ".dead");
        assertThat(dead.get("type")).isEqualTo("fanout");
        assertThat(list(defs.get("bindings"), "bindings")).anySatisfy(b -> {
            assertThat(map(b, "binding").get("source")).isEqualTo(NODE + ".dead");
            assertThat(map(b, "binding").get("destination")).isEqualTo(NODE + ".dead");
        });
        // the node declares the dead-letter queue and exchange, publishes its records there, binds them
        Perm node = permissions("tasknode");
        assertThat(node.configure(NODE + ".dead") && node.write(NODE + ".dead") && node.read(NODE + ".dead")).isTrue();
    }

    @Test
    void eventsExchangeIsADurableTopicExchange() {
        Map<String, Object> x = find("exchanges", EVENTS);
        assertThat(x.get("type")).isEqualTo("topic");
        assertThat(x.get("durable")).isEqualTo(true);
        assertThat(x.get("auto_delete")).isEqualTo(false);
        assertThat(x.get("internal")).isEqualTo(false);
    }

    @Test
    void noPlainPasswordsOnlySaltedHashes() {
        for (Object u : list(defs.get("users"), "users")) {
            Map<String, Object> user = map(u, "user");
            assertThat(user).doesNotContainKey("password");
            assertThat(user.get("hashing_algorithm")).isEqualTo("rabbit_password_hashing_sha256");
            assertThat(Base64.getDecoder().decode(user.get("password_hash").toString())).hasSize(4 + 32);
        }
        assertThat(users()).doesNotContain("guest");
    }

    @Test
    void hashesAreTheDocumentedDevelopmentPasswords() {
        // compose.yaml's defaults (and deploy/README.md) must match, or nothing can log in on the dev stack.
        assertThat(matches("tasknode", "tasknode-dev")).isTrue();
        assertThat(matches("platform", "platform-dev")).isTrue();
        assertThat(matches("admin", "admin-dev")).isTrue();
    }

    @Test
    void callersCannotImpersonateAndOnlyTheAdminManagesTheBroker() {
        // user_id is checked against the connection's user unless the user is tagged impersonator: that
        // check is what makes the node's authorization by user_id unforgeable.
        for (Object u : list(defs.get("users"), "users")) {
            Map<String, Object> user = map(u, "user");
            List<Object> tags = list(user.get("tags"), "tags");
            assertThat(tags).doesNotContain("impersonator");
            if (!"admin".equals(user.get("name"))) {
                assertThat(tags).as(user.get("name") + " tags").isEmpty();
            }
        }
    }

    @Test
    void nodeUserMayDoWhatTheNodeDoesAndNothingElse() {
        Perm node = permissions("tasknode");
        // declares its queues and the events exchange
        assertThat(node.configure(NODE) && node.configure(CONTROL) && node.configure(EVENTS)).isTrue();
        // consumes both queues
        assertThat(node.read(NODE) && node.read(CONTROL)).isTrue();
        // replies through the default exchange, events to tasknode.events
        assertThat(node.write(DEFAULT_EXCHANGE) && node.write(EVENTS)).isTrue();
        // the Admin page is a caller on the node's own connection settings: reply queue, binding, consuming
        assertThat(node.configure(REPLY_QUEUE) && node.write(REPLY_QUEUE) && node.read(REPLY_QUEUE) && node.read(EVENTS))
                .isTrue();
        // nothing more
        assertThat(node.configure("other.queue") || node.configure("amq.topic") || node.configure("amq.default")).isFalse();
        assertThat(node.read("other.queue") || node.read("amq.topic")).isFalse();
        assertThat(node.write("amq.topic") || node.write(NODE) || node.write("other.queue")).isFalse();
    }

    @Test
    void callerUserMayStartFollowAndQueryTasksButNotTouchTheNodesObjects() {
        Perm caller = permissions("platform");
        // declare its exclusive server-named reply queue; declaring tasknode.events (same arguments) is allowed
        assertThat(caller.configure(REPLY_QUEUE) && caller.configure(EVENTS)).isTrue();
        // bind the reply queue to the events exchange: write on the queue, read on the exchange
        assertThat(caller.write(REPLY_QUEUE) && caller.read(EVENTS)).isTrue();
        // publish requests and control calls through the default exchange
        assertThat(caller.write(DEFAULT_EXCHANGE)).isTrue();
        // consume its replies (own queue or direct reply-to)
        assertThat(caller.read(REPLY_QUEUE) && caller.read("amq.rabbitmq.reply-to")).isTrue();
        // never: delete or redeclare the node's queues, consume the node's requests, forge events
        assertThat(caller.configure(NODE) || caller.configure(CONTROL)).isFalse();
        assertThat(caller.read(NODE) || caller.read(CONTROL)).isFalse();
        assertThat(caller.write(EVENTS) || caller.write(NODE)).isFalse();
    }

    @Test
    void permissionsExistOnlyForTheNodeAndCallerUsers() {
        assertThat(list(defs.get("permissions"), "permissions").stream().map(p -> map(p, "perm").get("user")))
                .containsExactlyInAnyOrder("tasknode", "platform");
    }

    private record Perm(Pattern c, Pattern w, Pattern r) {
        boolean configure(String res) {
            return c.matcher(res).find();
        }

        boolean write(String res) {
            return w.matcher(res).find();
        }

        boolean read(String res) {
            return r.matcher(res).find();
        }
    }

    /** RabbitMQ matches permissions as regular expressions that may match anywhere (hence ^...$ in the file). */
    private Perm permissions(String user) {
        for (Object p : list(defs.get("permissions"), "permissions")) {
            Map<String, Object> perm = map(p, "permission");
            if (user.equals(perm.get("user"))) {
                assertThat(perm.get("vhost")).isEqualTo("/");
                return new Perm(Pattern.compile(perm.get("configure").toString()),
                        Pattern.compile(perm.get("write").toString()), Pattern.compile(perm.get("read").toString()));
            }
        }
        throw new AssertionError("no permissions for " + user);
    }

    private List<Object> users() {
        return list(defs.get("users"), "users").stream().map(u -> map(u, "user").get("name")).toList();
    }

    private Map<String, Object> find(String section, String name) {
        return list(defs.get(section), section).stream().map(o -> map(o, section)).filter(o -> name.equals(o.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + section));
    }

    /** rabbit_password_hashing_sha256: base64(salt(4) ++ sha256(salt ++ password)). */
    private boolean matches(String user, String password) {
        Map<String, Object> u = list(defs.get("users"), "users").stream().map(o -> map(o, "user"))
                .filter(o -> user.equals(o.get("name"))).findFirst().orElseThrow();
        byte[] stored = Base64.getDecoder().decode(u.get("password_hash").toString());
        byte[] salt = Arrays.copyOf(stored, 4);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            byte[] digest = sha.digest(password.getBytes(StandardCharsets.UTF_8));
            return Arrays.equals(digest, Arrays.copyOfRange(stored, 4, stored.length));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
