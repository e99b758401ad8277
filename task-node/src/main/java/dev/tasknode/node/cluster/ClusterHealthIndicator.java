package dev.tasknode.node.cluster;

import dev.tasknode.node.schema.SchemaMetrics;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * "clusters" health component: each cluster up or down (a connection and a round trip, at most {@link #CHECK_SECONDS}
 * seconds each, all at once) and its schemas by state as the last schema task saw them. A further cluster that is
 * down makes it WARNING, which is outside the aggregate order: the node stays in service for the other clusters (the
 * home cluster's own "db" component decides readiness).
 */
@Component("clusters")
public class ClusterHealthIndicator implements HealthIndicator {
    static final Status WARNING = new Status("WARNING", "a cluster does not answer: its schemas fail until it is back");
    static final int CHECK_SECONDS = 3;

    private final ClusterRegistry registry;
    private final SchemaMetrics metrics;

    public ClusterHealthIndicator(ClusterRegistry registry, SchemaMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public Health health() {
        List<Cluster> all = registry.all();
        Map<Cluster, CompletableFuture<String>> checks = new LinkedHashMap<>();
        for (Cluster c : all) {
            checks.put(c, CompletableFuture.supplyAsync(() -> check(c)));
        }
        boolean anyDown = false;
        Health.Builder b = Health.up();
        for (var e : checks.entrySet()) {
            Cluster c = e.getKey();
            String problem;
            try {
                problem = e.getValue().get(CHECK_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException ex) {
                problem = "no answer within " + CHECK_SECONDS + " s";
            } catch (Exception ex) {
                problem = ClusterRegistry.describe(ex);
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("status", problem == null ? "up" : "down");
            d.put("url", c.url());
            if (problem != null) {
                d.put("error", problem);
                anyDown = true;
            }
            d.put("max_parallel", c.maxParallel());
            SchemaMetrics m = metrics.forCluster(c.name());
            Map<String, Long> schemas = new LinkedHashMap<>();
            for (String s : List.of(SchemaMetrics.UP_TO_DATE, SchemaMetrics.PENDING, SchemaMetrics.DRIFTED, SchemaMetrics.FAILED)) {
                schemas.put(s, m.count(s));
            }
            d.put("schemas", schemas);
            b.withDetail(c.name(), d);
        }
        return (anyDown ? b.status(WARNING) : b).build();
    }

    /** null when the cluster answers, else why not. */
    private static String check(Cluster c) {
        try (Connection con = c.dataSource().getConnection()) {
            return con.isValid(CHECK_SECONDS) ? null : "the connection is not valid";
        } catch (Exception e) {
            return ClusterRegistry.describe(e);
        }
    }
}
