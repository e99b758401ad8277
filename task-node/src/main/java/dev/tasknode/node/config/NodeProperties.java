package dev.tasknode.node.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The node's own settings ({@code tasknode.*}); the schema engine and backups have their own prefixes. */
@ConfigurationProperties("tasknode")
public class NodeProperties {
    /** Node name = request queue name. Control calls use {@code <node>.control}. */
    private String nodeName = "admin.task_node";
    /** quorum (default) or classic: the type of the request and control queues. */
    private String queueType = "quorum";
    /**
     * Declare the node's queues with {@code x-dead-letter-exchange}. Only for a broker that refuses the argument
     * (the demo's embedded Qpid): the node still sends its own dead-letter records to {@code <node>.dead}, but a
     * message the broker gives up on is then dropped by the broker instead of kept there.
     */
    private boolean queueDeadLettering = true;
    /** Tasks run at once on this replica; further requests wait in the broker. */
    private int workers = 4;
    /** Identity of this process in the task records; random per start unless set. */
    private String instanceId = UUID.randomUUID().toString();
    /** On shutdown, how long running tasks may go on before they are cancelled and recorded as interrupted. */
    private Duration shutdownGrace = Duration.ofSeconds(30);
    /** The node's own schema (task runs, logs, history). No user-schema task ever touches it. */
    private String storeSchema = "tasknode";
    private final Auth auth = new Auth();

    public static class Auth {
        /** Broker users (AMQP user_id) allowed to run tasks that change data. Read-only tasks are open to any user. */
        private List<String> mutatingUsers = new ArrayList<>(List.of("guest"));

        public List<String> getMutatingUsers() {
            return mutatingUsers;
        }

        public void setMutatingUsers(List<String> mutatingUsers) {
            this.mutatingUsers = mutatingUsers;
        }
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public String getQueueType() {
        return queueType;
    }

    public void setQueueType(String queueType) {
        this.queueType = queueType;
    }

    public boolean isQueueDeadLettering() {
        return queueDeadLettering;
    }

    public void setQueueDeadLettering(boolean queueDeadLettering) {
        this.queueDeadLettering = queueDeadLettering;
    }

    public int getWorkers() {
        return workers;
    }

    public void setWorkers(int workers) {
        this.workers = workers;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId == null || instanceId.isBlank() ? UUID.randomUUID().toString() : instanceId;
    }

    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }

    public String getStoreSchema() {
        return storeSchema;
    }

    public void setStoreSchema(String storeSchema) {
        this.storeSchema = storeSchema;
    }

    public Auth getAuth() {
        return auth;
    }
}
