package dev.tasknode.node.schema;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code tasknode.schemas{state=up_to_date|pending|drifted|failed}}: how many managed schemas are in each state,
 * as last seen by schema_status, propose_migrations or apply_migrations. Tagged by state only (bounded).
 * {@code tasknode.schemas.pending.since.timestamp} (seconds): since when the longest-waiting pending schema has
 * been pending, 0 when none is — the alert on migrations left pending too long reads it.
 */
@Component
public class SchemaMetrics {
    public static final String UP_TO_DATE = "up_to_date";
    public static final String PENDING = "pending";
    public static final String DRIFTED = "drifted";
    public static final String FAILED = "failed";
    private static final String[] STATES = {UP_TO_DATE, PENDING, DRIFTED, FAILED};

    private final Map<String, String> bySchema = new ConcurrentHashMap<>();
    private final Map<String, Instant> pendingSince = new ConcurrentHashMap<>();

    @org.springframework.beans.factory.annotation.Autowired
    public SchemaMetrics(ObjectProvider<MeterRegistry> registry) {
        this(registry.getIfAvailable());
    }

    public SchemaMetrics(MeterRegistry registry) {
        if (registry != null) {
            for (String s : STATES) {
                Gauge.builder("tasknode.schemas", this, m -> m.count(s)).tag("state", s)
                        .description("managed schemas by state").register(registry);
            }
            Gauge.builder("tasknode.schemas.pending.since.timestamp", this, SchemaMetrics::oldestPending)
                    .baseUnit("seconds").description("epoch seconds since which a schema has been pending, 0 if none")
                    .register(registry);
        }
    }

    /** Records states; {@code wholeFleet} = these are all schemas (others no longer exist). */
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
}
