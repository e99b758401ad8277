package dev.tasknode.node.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each project lives, as read from every cluster at one moment: each cluster's project ids (its project-ids
 * query united with its project schemas), and the clusters that could not be read, with the error.
 *
 * @param idsByCluster the ids of each reachable cluster, in the registry's cluster order
 * @param down         cluster name → why it could not be read
 */
public record Placement(Map<String, List<String>> idsByCluster, Map<String, String> down) {

    /** Project ids found on more than one cluster → the clusters, in order (a project lives on exactly one). */
    public Map<String, List<String>> duplicates() {
        Map<String, List<String>> where = new TreeMap<>();
        idsByCluster.forEach((cluster, ids) -> ids.forEach(id -> where.computeIfAbsent(id, k -> new ArrayList<>()).add(cluster)));
        where.values().removeIf(l -> l.size() < 2);
        return where;
    }

    /** One line naming every duplicate and its clusters, for start-up errors and refused tasks. */
    public String describeDuplicates() {
        StringBuilder b = new StringBuilder();
        duplicates().forEach((id, clusters) -> b.append(b.isEmpty() ? "" : "; ").append("project ").append(id)
                .append(" is on clusters ").append(String.join(" and ", clusters)));
        return b.toString();
    }

    /**
     * The cluster project {@code id} lives on; empty when no reachable cluster has it.
     *
     * @throws IllegalStateException when two clusters have it (never guessed)
     */
    public Optional<String> clusterOf(String id) {
        List<String> on = new ArrayList<>();
        idsByCluster.forEach((cluster, ids) -> {
            if (ids.contains(id)) {
                on.add(cluster);
            }
        });
        if (on.size() > 1) {
            throw new IllegalStateException("project " + id + " is on clusters " + String.join(" and ", on)
                    + ": a project must live on exactly one cluster; remove it from all but one cluster's placement");
        }
        return on.stream().findFirst();
    }

    public static Placement of(Map<String, List<String>> ids, Map<String, String> down) {
        return new Placement(new LinkedHashMap<>(ids), new LinkedHashMap<>(down));
    }
}
