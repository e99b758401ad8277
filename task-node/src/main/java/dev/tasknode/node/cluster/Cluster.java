package dev.tasknode.node.cluster;

import dev.tasknode.node.db.Fleet;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * One PostgreSQL cluster of the fleet: its pool and its fleet view (the managed schemas that live there). The schema
 * tasks work on one cluster at a time through this view; the fan-out (schema/fanout) runs them side by side.
 *
 * @param home        the node's own datasource (spring.datasource): it also holds the node's store
 * @param maxParallel schemas migrated at once on this cluster
 * @param url         the JDBC URL, for messages and health: any password in it is masked here
 */
public record Cluster(String name, boolean home, DataSource dataSource, Fleet fleet, int maxParallel, String url) {
    public static final String DEFAULT = "default";
    /** URL parameters whose values are secrets (password, sslpassword, …) and the value itself. */
    private static final Pattern SECRET = Pattern.compile("(?i)([?&][^=&]*password=)[^&]*");

    public Cluster {
        url = url == null ? null : SECRET.matcher(url).replaceAll("$1***");
    }

    @Override
    public String toString() {
        return "cluster " + name + " (" + url + ")";
    }
}
