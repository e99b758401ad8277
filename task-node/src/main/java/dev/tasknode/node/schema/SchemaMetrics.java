package dev.tasknode.node.schema;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code tasknode.schemas{state=up_to_date|pending|drifted|failed, cluster}}: how many managed schemas are in each
 * state on each cluster, as last seen by schema_status, propose_migrations or apply_migrations. Tagged by state and
 * cluster only (bounded). {@code tasknode.schemas.pending.since.timestamp{cluster}} (seconds): since when the
 * longest-waiting pending schema of the cluster has been pending, 0 when none is — the alert on migrations left
 * pending too long reads it. This object is the home cluster's ({@code default}); {@link #forCluster} gives the others.
 */
@Component
public class SchemaMetrics {
    public static final String UP_TO_DATE = "up_to_date";
    public static final String PENDING = "pending";
    public static final String DRIFTED = "drifted";
    public static final String FAILED = "failed";
    private static final String[] STATES = {UP_TO_DATE, PENDING, DRIFTED, FAILED};

    private final MeterRegistry registry;
    private final String cluster;
    /** Every cluster's metrics, shared by the home object and its siblings. */
    private final Map<String, SchemaMetrics> clusters;
    private final Map<String, String> bySchema = new ConcurrentHashMap<>();
    private final Map<String, Instant> pendingSince = new ConcurrentHashMap<>();

    @org.springframework.beans.factory.annotation.Autowired
    public SchemaMetrics(ObjectProvider<MeterRegistry> registry) {
        this(registry.getIfAvailable());
    }

    public SchemaMetrics(MeterRegistry registry) {
        this(registry, dev.tasknode.node.cluster.Cluster.DEFAULT, new ConcurrentHashMap<>());
    }

    private SchemaMetrics(MeterRegistry registry, String cluster, Map<String, SchemaMetrics> clusters) {
        this.registry = registry;
        this.cluster = cluster;
        this.clusters = clusters;
        clusters.put(cluster, this);
        if (registry != null) {
            for (String s : STATES) {
                Gauge.builder("tasknode.schemas", this, m -> m.count(s)).tag("state", s).tag("cluster", cluster)
                        .description("managed schemas by state").register(registry);
            }
            Gauge.builder("tasknode.schemas.pending.since.timestamp", this, SchemaMetrics::oldestPending)
                    .tag("cluster", cluster).baseUnit("seconds")
                    .description("epoch seconds since which a schema has been pending, 0 if none").register(registry);
        }
    }

    /** The metrics of one cluster (registered on first use). */
    public SchemaMetrics forCluster(String name) {
        synchronized (clusters) {
            SchemaMetrics m = clusters.get(name);
            return m != null ? m : new SchemaMetrics(registry, name, clusters);
        }
    }

    /** Every cluster's metrics seen so far, by name. */
    public Map<String, SchemaMetrics> clusters() {
        return Map.copyOf(clusters);
    }

    public String cluster() {
        return cluster;
    }

    /** Records states; {@code wholeFleet} = these are all schemas of this cluster (others no longer exist). */
    public void update(Map<String, String> states, boolean wholeFleet) {
        if (wholeFleet) {
            bySchema.keySet().retainAll(states.keySet());
        }
        bySchema.putAll(states);
        Instant now = Instant.now();
        pendingSince.keySet().retainAll(bySchema.keySet());
        states.forEach((schema, state) -> {
            if (PENDING.equals(state)) {
                pendingSince.putIfAbsent(schema, now);
            } else {
                pendingSince.remove(schema);
            }
        });
    }

    double oldestPending() {
        return pendingSince.values().stream().mapToLong(Instant::getEpochSecond).min().orElse(0);
    }

    public long count(String state) {
        return bySchema.values().stream().filter(state::equals).count();
    }

    /** Schemas of this cluster whose state is known. */
    public int known() {
        return bySchema.size();
    }
}
