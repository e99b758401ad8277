package dev.tasknode.node.schema;

import dev.tasknode.contracts.Scope;
import dev.tasknode.node.schema.apply.History;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** propose_migrations and schema_status: read-only views of the fleet plan. */
@Component
public class SchemaReports {
    private final SchemaEngine engine;

    public SchemaReports(SchemaEngine engine) {
        this.engine = engine;
    }

    public record Proposed(Results.Proposal proposal, Map<String, String> states) {}

    public Proposed propose(Scope scope) throws SQLException {
        try (Connection c = engine.dataSource().getConnection()) {
            List<String> schemas = engine.schemas(c, scope);
            SchemaEngine.FleetPlan fp = engine.plan(c, schemas, false);
            List<Results.ChangeSet> sets = new ArrayList<>();
            long safe = 0, locking = 0, destructive = 0, total = 0;
            int upToDate = 0;
            for (SchemaEngine.Group g : fp.groups()) {
                if (g.plan().isEmpty()) {
                    upToDate += g.schemas().size();
                    continue;
                }
                Results.Counts k = Results.Counts.of(g.plan());
                safe += k.safe() * g.schemas().size();
                locking += k.locking() * g.schemas().size();
                destructive += k.destructive() * g.schemas().size();
                total += k.total() * g.schemas().size();
                boolean hasChecks = g.plan().steps().stream().anyMatch(s -> s.check() != null);
                sets.add(new Results.ChangeSet(g.kind().folder(), g.fingerprint(), g.schemas().size(), g.schemas(), k,
                        g.plan().script(), Results.StatementView.of(g.plan()),
                        hasChecks ? engine.checks(c, g.plan(), g.schemas()) : List.of()));
            }
            Map<String, String> states = states(c, fp);
            engine.metrics().update(states, scope instanceof Scope.All);
            Results.Proposal p = new Results.Proposal(fp.fingerprint(), engine.model().digest(), schemas.size(), upToDate,
                    schemas.size() - upToDate, new Results.Counts(safe, locking, destructive, total), sets);
            return new Proposed(p, states);
        }
    }

    public Results.Status status(Scope scope) throws SQLException {
        try (Connection c = engine.dataSource().getConnection()) {
            List<String> schemas = engine.schemas(c, scope);
            SchemaEngine.FleetPlan fp = engine.plan(c, schemas, false);
            Map<String, String> states = states(c, fp);
            engine.metrics().update(states, scope instanceof Scope.All);
            Map<String, History.Last> last = engine.history().last(c, schemas);
            Map<String, SchemaEngine.Group> bySchema = fp.bySchema();
            List<Results.SchemaState> list = new ArrayList<>();
            Map<String, Integer> counts = new TreeMap<>();
            for (String s : List.of(SchemaMetrics.UP_TO_DATE, SchemaMetrics.PENDING, SchemaMetrics.DRIFTED, SchemaMetrics.FAILED)) {
                counts.put(s, 0);
            }
            for (String s : schemas) {
                SchemaEngine.Group g = bySchema.get(s);
                String st = states.get(s);
                counts.merge(st, 1, Integer::sum);
                History.Last l = last.get(s);
                list.add(new Results.SchemaState(s, st, g.fingerprint(), g.plan().steps().size(),
                        g.plan().count(Step.Safety.DESTRUCTIVE), l == null ? null : l.outcome()));
            }
            return new Results.Status(engine.model().digest(), engine.desired().sharedFingerprint(),
                    engine.desired().projectFingerprint(), schemas.size(), counts, list);
        }
    }

    /**
     * up_to_date: nothing to do. failed: the last create/apply of the schema failed. drifted: the schema was changed
     * since our last run recorded it, or it has objects or shapes the model does not (undoing them is destructive).
     * pending: the model has changes the schema has not received yet.
     */
    public Map<String, String> states(Connection c, SchemaEngine.FleetPlan fp) throws SQLException {
        Map<String, SchemaEngine.Group> bySchema = fp.bySchema();
        Map<String, History.Last> last = engine.history().last(c, bySchema.keySet());
        Map<String, String> out = new LinkedHashMap<>();
        bySchema.forEach((s, g) -> out.put(s, state(g.plan(), g.fingerprint(), last.get(s))));
        return out;
    }

    static String state(Plan plan, String fingerprint, History.Last last) {
        if (plan.isEmpty()) {
            return SchemaMetrics.UP_TO_DATE;
        }
        if (last != null && ("failed".equals(last.outcome()) || "unplannable".equals(last.outcome()))) {
            return SchemaMetrics.FAILED;
        }
        if (last != null && last.fingerprintAfter() != null && !last.fingerprintAfter().equals(fingerprint)) {
            return SchemaMetrics.DRIFTED;
        }
        return plan.count(Step.Safety.DESTRUCTIVE) > 0 ? SchemaMetrics.DRIFTED : SchemaMetrics.PENDING;
    }
}
