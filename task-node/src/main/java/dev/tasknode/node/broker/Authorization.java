package dev.tasknode.node.broker;

import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.node.config.NodeProperties;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Who may do what, keyed on the AMQP user_id (RabbitMQ checks it against the connection's user, so a caller
 * cannot claim another name). Read-only tasks: any broker user. Tasks that change or replace data: only the
 * configured users. Cancel: those users and whoever started the run.
 */
@Component
public class Authorization {
    private final Set<String> mutatingUsers;

    public Authorization(NodeProperties props) {
        this.mutatingUsers = Set.copyOf(props.getAuth().getMutatingUsers());
    }

    /** Null when allowed, else the reason. */
    public String checkStart(String user, TaskSpec spec) {
        if (user == null || user.isBlank()) {
            return "the request has no user_id property; set it to your broker user name";
        }
        if (spec.mutating() && !mutatingUsers.contains(user)) {
            return "broker user '" + user + "' may not run " + spec.name()
                    + " (it changes data; allowed users are configured in tasknode.auth.mutating-users)";
        }
        return null;
    }

    public String checkCancel(String user, String startedBy) {
        if (user == null || user.isBlank()) {
            return "the request has no user_id property";
        }
        if (mutatingUsers.contains(user) || user.equals(startedBy)) {
            return null;
        }
        return "broker user '" + user + "' may not cancel a task started by '" + startedBy + "'";
    }

    public boolean trusted(String user) {
        return user != null && mutatingUsers.contains(user);
    }
}
