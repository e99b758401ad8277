package dev.tasknode.node.schema.fanout;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.cluster.Cluster;
import dev.tasknode.node.cluster.ClusterRegistry;
import dev.tasknode.node.cluster.Placement;
import dev.tasknode.node.db.PreMigrationBackup;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.SchemaReports;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.online.OnlineMode;
import dev.tasknode.node.task.TaskContext;
import dev.tasknode.node.task.TaskFailedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.stereotype.Component;

/**
 * The schema tasks over every cluster: which clusters a scope reaches (a project: only its own; shared and all: every
 * cluster), each cluster's run side by side (each bounded by its own max-parallel, see {@link SchemaEngine#on}), and
 * one result listing every schema with its cluster ({@link Merge}). A cluster that is down or fails is reported with
 * its schemas failed and the reason; the others go on. With one cluster (no tasknode.clusters) this is today's
 * single run, its result only gaining the cluster names.
 */
@Component
public class ClusterSchemas {
    private final ClusterRegistry registry;
    private final SchemaEngine engine;
    private final ObjectProvider<PreMigrationBackup> backups;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();

    /** One cluster's engine view with its applier and reports. */
    record Target(Cluster cluster, FleetApplier applier, SchemaReports reports) {}

    /** What a scope reaches: the clusters to run on, and those down with the schemas that fail there and why. */
    record Reach(List<Target> run, Map<Cluster, Down> down) {
        List<String> clusterNames() {
            List<String> out = new ArrayList<>();
            run.forEach(t -> out.add(t.cluster().name()));
            down.keySet().forEach(c -> out.add(c.name()));
            return out;
        }
    }

    record Down(List<String> schemas, String error) {}

    @Autowired
    public ClusterSchemas(ClusterRegistry registry, SchemaEngine engine, FleetApplier homeApplier, SchemaReports homeReports,
                          ObjectProvider<PreMigrationBackup> backups) {
        this.registry = registry;
        this.engine = engine;
        this.backups = backups;
        Cluster home = registry.home();
        if (engine.on(home) == engine) {
            targets.put(home.name(), new Target(home, homeApplier, homeReports));
        }
    }

    /** Today's node, hand-wired (tests, tools): one cluster, this applier and these reports. */
    public static ClusterSchemas single(FleetApplier applier, SchemaReports reports) {
        SchemaEngine e = applier.engine();
        ClusterRegistry r = ClusterRegistry.single(e.dataSource(), e.fleet(), e.parallelism(), e.storeSchema());
        return new ClusterSchemas(r, e, applier, reports, new StaticListableBeanFactory().getBeanProvider(PreMigrationBackup.class));
    }

    public static ClusterSchemas single(FleetApplier applier) {
        return single(applier, new SchemaReports(applier.engine()));
    }

    public static ClusterSchemas single(SchemaReports reports) {
        return single(new FleetApplier(reports.engine(), new StaticListableBeanFactory().getBeanProvider(PreMigrationBackup.class)),
                reports);
    }

    /** Several clusters, hand-wired (tests): {@code engine} is the home engine; appliers are built per cluster. */
    public static ClusterSchemas of(ClusterRegistry registry, SchemaEngine engine, ObjectProvider<PreMigrationBackup> backups) {
        return new ClusterSchemas(registry, engine, new FleetApplier(engine, backups), new SchemaReports(engine), backups);
    }

    public ClusterRegistry registry() {
        return registry;
    }

    private Target target(Cluster c) {
        return targets.computeIfAbsent(c.name(), n -> {
            SchemaEngine view = engine.on(c);
            return new Target(c, new FleetApplier(view, backups), new SchemaReports(view));
        });
    }

    /** The clusters {@code scope} reaches; refuses (nothing runs) what cannot be placed on exactly one cluster. */
    Reach reach(Scope scope) {
        if (registry.single()) {
            return new Reach(List.of(target(registry.home())), Map.of());
        }
        Placement p = registry.placement();
        Map<Cluster, String> downNow = new LinkedHashMap<>();
        p.down().forEach((name, why) -> downNow.put(registry.get(name).orElseThrow(), "cluster " + name + " is down: " + why));
        if (scope instanceof Scope.Project pr) {
            return reachProject(pr.id(), p, downNow);
        }
        if (scope instanceof Scope.All && !p.duplicates().isEmpty()) {
            throw new TaskFailedException(ErrorCode.CONFLICT, "the clusters' placements overlap: " + p.describeDuplicates()
                    + ". A project lives on exactly one cluster: fix the placement; nothing was changed");
        }
        List<Target> run = new ArrayList<>();
        Map<Cluster, Down> down = new LinkedHashMap<>();
        for (Cluster c : registry.all()) {
            if (downNow.containsKey(c)) {
                down.put(c, new Down(schemasOf(c, scope), downNow.get(c)));
            } else {
                run.add(target(c));
            }
        }
        return new Reach(run, down);
    }

    private Reach reachProject(String id, Placement p, Map<Cluster, String> downNow) {
        Optional<String> on;
        try {
            on = p.clusterOf(id);
        } catch (IllegalStateException e) {
            throw new TaskFailedException(ErrorCode.CONFLICT, e.getMessage() + "; nothing was changed");
        }
        if (on.isPresent()) {
            return new Reach(List.of(target(registry.get(on.get()).orElseThrow())), Map.of());
        }
        String schema = registry.home().fleet().projectSchema(id);
        List<Cluster> maybe = downNow.keySet().stream().filter(c -> registry.lastKnownSchemas(c).contains(schema)).toList();
        if (maybe.size() == 1) {
            Cluster c = maybe.getFirst();
            return new Reach(List.of(), Map.of(c, new Down(List.of(schema), downNow.get(c))));
        }
        List<String> names = registry.all().stream().map(Cluster::name).toList();
        if (!downNow.isEmpty()) {
            throw new TaskFailedException(ErrorCode.TASK_FAILED, "project " + id + " is on none of the reachable clusters, "
                    + "and " + String.join("; ", downNow.values()) + ": it may live there; try again when it is back. "
                    + "Nothing was changed");
        }
        throw new TaskFailedException(ErrorCode.NOT_FOUND, "project " + id + " is on no cluster (" + String.join(", ", names)
                + "): neither a cluster's project-ids query nor a schema names it. Add it to one cluster's placement "
                + "first; nothing was changed");
    }

    /** create_tables / apply_migrations on every cluster the scope reaches. */
    public Results.ApplyReport apply(TaskContext ctx, Scope scope, FleetApplier.Options o) throws Exception {
        Reach reach = reach(scope);
        if (registry.single()) {
            Target t = reach.run().getFirst();
            return Merge.apply(o, List.of(new Merge.Part<>(t.cluster(), t.applier().run(ctx, scope, o), null)), Map.of(),
                    reach.clusterNames());
        }
        Map<String, String> downNames = new LinkedHashMap<>();
        reach.down().forEach((c, d) -> downNames.put(c.name(), d.error()));
        ExpectGate gate = new ExpectGate(reach.clusterNames(), downNames, o.expect());
        FleetApplier.Options opts = o.withGate(gate);
        if (!reach.down().isEmpty()) {
            reach.down().forEach((c, d) -> ctx.log().error("%s; its %d schema(s) fail, the other clusters go on", d.error(),
                    d.schemas().size()));
        }
        ClusterContext.Progress progress = new ClusterContext.Progress();
        List<Merge.Part<Results.ApplyReport>> parts = parallel(reach.run(), t -> {
            try {
                registry.ensureStore(t.cluster());
                return t.applier().run(new ClusterContext(ctx, t.cluster().name(), progress), scope, opts);
            } finally {
                gate.failed(t.cluster().name()); // no-op when it planned
            }
        });
        for (Merge.Part<Results.ApplyReport> part : parts) {
            if (part.error() instanceof ExpectGate.Refused r) {
                throw r;
            }
        }
        parts.stream().filter(pt -> pt.error() != null).forEach(pt -> ctx.log().error("cluster %s failed: %s; its schemas "
                + "are reported failed, the other clusters went on", pt.cluster().name(), ClusterRegistry.describe(pt.error())));
        List<Merge.Part<Results.ApplyReport>> all = withLastKnown(parts, scope);
        markFailed(all, false);
        return Merge.apply(o, all, downs(reach), reach.clusterNames());
    }

    /** propose_migrations over the clusters: change sets grouped by catalog state across all of them. */
    public Results.Proposal propose(Scope scope, OnlineMode online) throws Exception {
        Reach reach = reach(scope);
        if (registry.single()) {
            Target t = reach.run().getFirst();
            return Merge.proposal(List.of(new Merge.Part<>(t.cluster(), t.reports().propose(scope, online).proposal(), null)),
                    Map.of(), reach.clusterNames());
        }
        List<Merge.Part<Results.Proposal>> parts = withLastKnown(parallel(reach.run(),
                t -> t.reports().propose(scope, online).proposal()), scope);
        Map<Cluster, Down> downs = downs(reach);
        markFailed(downs, scope);
        markFailed(parts, scope instanceof Scope.All);
        return Merge.proposal(parts, downs, reach.clusterNames());
    }

    /** schema_status over the clusters. */
    public Results.Status status(Scope scope) throws Exception {
        Reach reach = reach(scope);
        if (registry.single()) {
            Target t = reach.run().getFirst();
            return Merge.status(List.of(new Merge.Part<>(t.cluster(), t.reports().status(scope), null)), Map.of());
        }
        List<Merge.Part<Results.Status>> parts = withLastKnown(parallel(reach.run(), t -> t.reports().status(scope)), scope);
        Map<Cluster, Down> downs = downs(reach);
        markFailed(downs, scope);
        markFailed(parts, scope instanceof Scope.All);
        return Merge.status(parts, downs);
    }

    /** The metrics of a cluster that could not be read: its schemas count as failed until it answers again. */
    private void markFailed(Map<Cluster, Down> downs, Scope scope) {
        downs.forEach((c, d) -> {
            Map<String, String> states = new LinkedHashMap<>();
            d.schemas().forEach(s -> states.put(s, dev.tasknode.node.schema.SchemaMetrics.FAILED));
            engine.metrics().forCluster(c.name()).update(states, scope instanceof Scope.All);
        });
    }

    /** The metrics of clusters whose run failed: their schemas in scope count as failed. */
    private <T> void markFailed(List<Merge.Part<T>> parts, boolean wholeFleet) {
        for (Merge.Part<T> p : parts) {
            if (p.error() != null) {
                Map<String, String> states = new LinkedHashMap<>();
                p.failedSchemas().forEach(s -> states.put(s, dev.tasknode.node.schema.SchemaMetrics.FAILED));
                engine.metrics().forCluster(p.cluster().name()).update(states, wholeFleet);
            }
        }
    }

    private static Map<Cluster, Down> downs(Reach reach) {
        return new LinkedHashMap<>(reach.down());
    }

    /** The schemas of {@code scope} on a cluster that cannot be read: for the whole fleet, those last seen there. */
    private List<String> schemasOf(Cluster c, Scope scope) {
        return switch (scope) {
            case Scope.Shared s -> List.of(c.fleet().sharedSchema());
            case Scope.Project p -> List.of(c.fleet().projectSchema(p.id()));
            case Scope.All a -> registry.lastKnownSchemas(c);
        };
    }

    /** Parts whose run failed get the scope's schemas on that cluster, to be reported failed. */
    private <T> List<Merge.Part<T>> withLastKnown(List<Merge.Part<T>> parts, Scope scope) {
        List<Merge.Part<T>> out = new ArrayList<>();
        for (Merge.Part<T> p : parts) {
            out.add(p.error() == null ? p : new Merge.Part<>(p.cluster(), null, p.error(), schemasOf(p.cluster(), scope)));
        }
        return out;
    }

    interface ClusterWork<T> {
        T run(Target t) throws Exception;
    }

    /** Each cluster's work on a thread of its own; a failure stays that cluster's, a cancellation stops the task. */
    private <T> List<Merge.Part<T>> parallel(List<Target> run, ClusterWork<T> work) throws InterruptedException {
        List<Merge.Part<T>> out = new ArrayList<>();
        if (run.isEmpty()) {
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(run.size(), Thread.ofPlatform().name("cluster-", 0).factory());
        try {
            Map<Target, Future<T>> futures = new LinkedHashMap<>();
            for (Target t : run) {
                futures.put(t, pool.submit(() -> work.run(t)));
            }
            for (var e : futures.entrySet()) {
                try {
                    out.add(new Merge.Part<>(e.getKey().cluster(), e.getValue().get(), null));
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof CancellationException c) {
                        throw c;
                    }
                    out.add(new Merge.Part<>(e.getKey().cluster(), null, ex.getCause()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }
}
