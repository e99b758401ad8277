package dev.tasknode.node.schema;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.apply.History;
import dev.tasknode.node.schema.online.Leftovers;
import dev.tasknode.node.schema.online.OnlineMode;
import dev.tasknode.node.schema.online.OnlinePlan;
import dev.tasknode.node.schema.online.OnlinePlanner;
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

    public SchemaEngine engine() {
        return engine;
    }

    public record Proposed(Results.Proposal proposal, Map<String, String> states) {}

    public Proposed propose(Scope scope) throws SQLException {
        return propose(scope, OnlineMode.AUTO);
    }

    /**
     * Each change set in the forms apply runs ({@code online} decides, as for apply): the transaction, then the
     * online steps, each statement with its form and lock. Schemas of one catalog state that differ in what an
     * interrupted online run left (invalid indexes) get change sets of their own: each shows exactly what is left.
     */
    public Proposed propose(Scope scope, OnlineMode online) throws SQLException {
        try (Connection c = engine.dataSource().getConnection()) {
            List<String> schemas = engine.schemas(c, scope);
            SchemaEngine.FleetPlan fp = engine.plan(c, schemas, false);
            Map<String, Map<String, String>> invalid = Leftovers.invalidIndexes(c, schemas);
            List<Results.ChangeSet> sets = new ArrayList<>();
            long safe = 0, locking = 0, destructive = 0, total = 0;
            int upToDate = 0;
            for (SchemaEngine.Group g : fp.groups()) {
                Map<Map<String, String>, List<String>> byLeftovers = new LinkedHashMap<>();
                g.schemas().forEach(s -> byLeftovers.computeIfAbsent(invalid.getOrDefault(s, Map.of()),
                        k -> new ArrayList<>()).add(s));
                for (var e : byLeftovers.entrySet()) {
                    List<String> members = e.getValue();
                    OnlinePlan p = OnlinePlanner.rewrite(g.plan(), g.sample(), engine.desiredFor(g.kind()), e.getKey(),
                            online, engine.props().getLargeTableRows());
                    if (p.isEmpty()) {
                        upToDate += members.size();
                        continue;
                    }
                    Results.Counts k = Results.Counts.of(p);
                    safe += k.safe() * members.size();
                    locking += k.locking() * members.size();
                    destructive += k.destructive() * members.size();
                    total += k.total() * members.size();
                    boolean hasChecks = p.all().stream().anyMatch(s -> s.check() != null);
                    sets.add(new Results.ChangeSet(g.kind().folder(), g.fingerprint(), members.size(), members, k,
                            p.script(), Results.StatementView.of(p),
                            hasChecks ? engine.checks(c, p.checks(), members) : List.of()));
                }
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
        // an invalid index left by an interrupted online build: the catalogs match, yet a rebuild is pending
        Map<String, Map<String, String>> invalid = Leftovers.invalidIndexes(c, bySchema.keySet());
        Map<String, String> out = new LinkedHashMap<>();
        bySchema.forEach((s, g) -> out.put(s, !g.plan().isEmpty() || !invalid.containsKey(s)
                ? state(g.plan(), g.fingerprint(), last.get(s))
                : last.get(s) != null && "failed".equals(last.get(s).outcome()) ? SchemaMetrics.FAILED : SchemaMetrics.PENDING));
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
