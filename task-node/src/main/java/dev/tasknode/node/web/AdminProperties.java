package dev.tasknode.node.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Admin page ({@code tasknode.admin.*}): who may sign in, and how the page calls the node.
 *
 * <p>Passwords are bcrypt hashes only ({@code $2a$}/{@code $2b$}/{@code $2y$}, optionally prefixed
 * {@code {bcrypt}}): a plain-text password in the configuration stops start-up, so none can slip in.
 */
@ConfigurationProperties("tasknode.admin")
public class AdminProperties {
    /** People who may sign in to /admin. */
    private List<User> users = new ArrayList<>();
    /**
     * Adds admin/admin (ADMIN) and operator/operator (OPERATOR) for local development. Off by default and
     * logged loudly when on: never enable it on a reachable deployment.
     */
    private boolean devUsers = false;
    /** The node the page calls; empty = this node's own {@code tasknode.node-name}. */
    private String node = "";
    /** How long the page waits for a node to accept a task (the request's timeout on the wire). */
    private Duration rpcTimeout = Duration.ofSeconds(30);

    public static class User {
        private String name;
        /** bcrypt hash of the password, e.g. from {@code htpasswd -bnBC 12 "" 'secret' | tr -d ':\n'}. */
        private String password;
        /** ADMIN and/or OPERATOR. ADMIN includes everything OPERATOR may do. */
        private List<String> roles = new ArrayList<>(List.of("OPERATOR"));

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public List<String> getRoles() {
            return roles;
        }

        public void setRoles(List<String> roles) {
            this.roles = roles;
        }
    }

    /** The node the page calls: {@code node} when set, else this node's own name. */
    String targetNode(dev.tasknode.node.config.NodeProperties nodeProps) {
        return node == null || node.isBlank() ? nodeProps.getNodeName() : node;
    }

    public List<User> getUsers() {
        return users;
    }

    public void setUsers(List<User> users) {
        this.users = users;
    }

    public boolean isDevUsers() {
        return devUsers;
    }

    public void setDevUsers(boolean devUsers) {
        this.devUsers = devUsers;
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public Duration getRpcTimeout() {
        return rpcTimeout;
    }

    public void setRpcTimeout(Duration rpcTimeout) {
        this.rpcTimeout = rpcTimeout;
    }
}
