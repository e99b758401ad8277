package dev.tasknode.node.schema;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code tasknode.schemas{state=up_to_date|pending|drifted|failed}}: how many managed schemas are in each state,
 * as last seen by schema_status, propose_migrations or apply_migrations. Tagged by state only (bounded).
 */
@Component
public class SchemaMetrics {
    public static final String UP_TO_DATE = "up_to_date";
    public static final String PENDING = "pending";
    public static final String DRIFTED = "drifted";
    public static final String FAILED = "failed";
    private static final String[] STATES = {UP_TO_DATE, PENDING, DRIFTED, FAILED};

    private final Map<String, String> bySchema = new ConcurrentHashMap<>();

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
        }
    }

    /** Records states; {@code wholeFleet} = these are all schemas (others no longer exist). */
    public void update(Map<String, String> states, boolean wholeFleet) {
        if (wholeFleet) {
            bySchema.keySet().retainAll(states.keySet());
        }
        bySchema.putAll(states);
    }

    public long count(String state) {
        return bySchema.values().stream().filter(state::equals).count();
    }
}
