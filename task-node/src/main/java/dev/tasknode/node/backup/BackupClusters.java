package dev.tasknode.node.backup;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.cluster.Cluster;
import dev.tasknode.node.cluster.ClusterRegistry;
import dev.tasknode.node.cluster.Placement;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.ScratchDatabases;
import dev.tasknode.node.task.TaskFailedException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Where the backup tasks reach the clusters of the fleet (cluster/ClusterRegistry): per cluster its pool, its fleet
 * view and the client tools pointed at its server. The home cluster is the node's own datasource, fleet and tools, so
 * a node without {@code tasknode.clusters} works exactly as before. {@link #reach} says, for a backup scope, which
 * schemas to back up on which cluster, and which clusters are down with the schemas that then fail.
 */
@Component
public class BackupClusters {
    /** One cluster as the backup code uses it. */
    public record Site(Cluster cluster, DataSource ds, Fleet fleet, PgTools pg) {
        public String name() {
            return cluster.name();
        }

        public boolean home() {
            return cluster.home();
        }

        /**
         * Parallel pg_dump runs of a backup, schemas restored at once: {@code tasknode.backup.workers}, on a further
         * cluster at most its max-parallel (as the schema tasks there; its pool has that many connections plus 3).
         */
        public int workers() {
            int w = pg.props().effectiveWorkers();
            return home() ? w : Math.max(1, Math.min(w, cluster.maxParallel()));
        }
    }

    /**
     * What a backup scope reaches: schemas to back up per cluster, the clusters that are down (schemas, reason), and
     * the schemas the placement names that do not exist (yet), to be logged.
     */
    public record Reach(Map<Site, List<String>> run, Map<Site, Down> down, Map<Site, List<String>> missing) {}

    public record Down(List<String> schemas, String error) {}

    private final ClusterRegistry registry;
    private final Site home;
    private final Map<String, Site> sites = new ConcurrentHashMap<>();

    @Autowired
    public BackupClusters(ClusterRegistry registry, DataSource ds, Fleet fleet, PgTools pg) {
        this.registry = registry;
        this.home = new Site(registry.home(), ds, fleet, pg);
        sites.put(home.name(), home);
    }

    /** Today's node: one cluster, this datasource (tests and tools that wire the backup beans by hand). */
    public static BackupClusters single(DataSource ds, Fleet fleet, PgTools pg) {
        return new BackupClusters(ClusterRegistry.single(ds, fleet, 1, "tasknode"), ds, fleet, pg);
    }

    public ClusterRegistry registry() {
        return registry;
    }

    public boolean single() {
        return registry.single();
    }

    public Site home() {
        return home;
    }

    public List<Site> all() {
        return registry.all().stream().map(this::site).toList();
    }

    public Site site(Cluster c) {
        return sites.computeIfAbsent(c.name(), n -> {
            // pg_dump/pg_restore must reach this cluster: the node's tools and paths, the cluster's server and user
            ScratchDatabases conn = ScratchDatabases.of(c.dataSource());
            if (conn == null) {
                throw new IllegalStateException("cluster " + n + ": cannot read its connection settings for pg_dump");
            }
            return new Site(c, c.dataSource(), c.fleet(), home.pg().on(PgTools.Target.fromJdbc(conn.url(), conn.user(),
                    conn.password())));
        });
    }

    /** The configured cluster of that name; an unknown name is a bad request that lists the configured ones. */
    public Site site(String name) {
        return find(name).orElseThrow(() -> new TaskFailedException(ErrorCode.BAD_REQUEST, "unknown cluster "
                + dev.tasknode.contracts.Text.quote(name) + "; configured clusters: " + names() + ". Nothing was changed"));
    }

    public Optional<Site> find(String name) {
        return registry.get(name).map(this::site);
    }

    public List<String> names() {
        return registry.all().stream().map(Cluster::name).toList();
    }

    /**
     * Which schemas a backup of {@code scope} takes on each cluster: a project only on its own cluster, shared and
     * all on every cluster (each has its own shared schema). A cluster that cannot be read is down: for all, the
     * schemas last seen there fail. Refuses (nothing runs) a project on no cluster or on two.
     */
    public Reach reach(Scope scope) throws Exception {
        Map<Site, List<String>> run = new LinkedHashMap<>();
        Map<Site, Down> down = new LinkedHashMap<>();
        Map<Site, List<String>> missing = new LinkedHashMap<>();
        if (single()) {
            run.put(home, schemas(home, scope, missing));
            return new Reach(run, down, missing);
        }
        Placement p = registry.placement();
        if (scope instanceof Scope.Project pr) {
            Optional<String> on;
            try {
                on = p.clusterOf(pr.id());
            } catch (IllegalStateException e) {
                throw new TaskFailedException(ErrorCode.CONFLICT, e.getMessage() + "; nothing was backed up");
            }
            if (on.isPresent()) {
                Site s = site(on.get());
                run.put(s, schemas(s, scope, missing));
                return new Reach(run, down, missing);
            }
            String schema = home.fleet().projectSchema(pr.id());
            for (var e : p.down().entrySet()) {
                Site s = site(e.getKey());
                if (registry.lastKnownSchemas(s.cluster()).contains(schema)) {
                    down.put(s, new Down(List.of(schema), "cluster " + s.name() + " is down: " + e.getValue()));
                    return new Reach(run, down, missing);
                }
            }
            throw new TaskFailedException(p.down().isEmpty() ? ErrorCode.NOT_FOUND : ErrorCode.TASK_FAILED, "project "
                    + pr.id() + " is on no " + (p.down().isEmpty() ? "" : "reachable ") + "cluster (" + String.join(", ", names())
                    + (p.down().isEmpty() ? "" : "; down: " + String.join(", ", p.down().keySet())) + "): nothing to back up");
        }
        if (!p.duplicates().isEmpty()) {
            throw new TaskFailedException(ErrorCode.CONFLICT, "the clusters' placements overlap: " + p.describeDuplicates()
                    + ". A project lives on exactly one cluster: fix the placement; nothing was backed up");
        }
        for (Cluster c : registry.all()) {
            Site s = site(c);
            String why = p.down().get(c.name());
            if (why == null) {
                try {
                    run.put(s, schemas(s, scope, missing));
                    continue;
                } catch (java.sql.SQLException e) {
                    why = ClusterRegistry.describe(e);
                }
            }
            List<String> lost = scope instanceof Scope.Shared ? List.of(s.fleet().sharedSchema()) : registry.lastKnownSchemas(c);
            down.put(s, new Down(lost, "cluster " + c.name() + " is down: " + why));
        }
        return new Reach(run, down, missing);
    }

    /** The existing schemas of {@code scope} on one cluster; a project without its schema is not_found. */
    private static List<String> schemas(Site s, Scope scope, Map<Site, List<String>> missing) throws java.sql.SQLException {
        try (Connection c = s.ds().getConnection()) {
            List<String> wanted = s.fleet().schemas(c, scope);
            var present = SchemaCatalog.existing(c, wanted);
            if (scope instanceof Scope.Project p && present.isEmpty()) {
                throw new TaskFailedException(ErrorCode.NOT_FOUND, "project " + p.id() + " has no schema "
                        + s.fleet().projectSchema(p.id()) + " to back up" + (s.home() ? "" : " on cluster " + s.name()));
            }
            List<String> out = new ArrayList<>();
            for (String x : wanted) {
                if (present.contains(x)) {
                    out.add(x);
                } else {
                    missing.computeIfAbsent(s, k -> new ArrayList<>()).add(x);
                }
            }
            return out;
        }
    }
}
