package dev.tasknode.node.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.SchemaProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The clusters of the fleet, built once from {@code tasknode.clusters}: the home cluster {@code default} (the node's
 * datasource) and one small pool per further cluster, with connect, socket and pool timeouts so a cluster that is down
 * fails its schemas in bounded time instead of hanging a task. At start-up (several clusters only) it reads every
 * cluster's project ids and stops the node when one id is on two clusters; a cluster that does not answer then is
 * reported and checked again by every task.
 */
@Component
public class ClusterRegistry implements InitializingBean, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(ClusterRegistry.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    /**
     * Store tables every cluster needs: a migration's history row commits in the migrated schema's own transaction,
     * and a restore's journal row and kept-copy row ({@code backup_restore_journal}, {@code backup_replaced}) commit
     * with the renames of the schema they describe, so they must live on that schema's cluster. Task runs, logs,
     * sessions and the node's child-process journal stay on the home cluster only.
     */
    public static final List<String> PER_CLUSTER_STORE_SCRIPTS = List.of("db/tasknode/20-schema.sql",
            "db/tasknode/30-backup.sql");
    private static final long INIT_LOCK = 0x746b6e5f696e6974L; // the StoreInitializer's lock

    private final List<Cluster> clusters;
    private final List<HikariDataSource> owned = new ArrayList<>();
    private final String storeSchema;
    private final Set<String> storeReady = ConcurrentHashMap.newKeySet();
    /** The last schema names read from each cluster, to name what fails when it is down. */
    private final Map<String, List<String>> lastKnown = new ConcurrentHashMap<>();

    @Autowired
    public ClusterRegistry(DataSource home, SchemaProperties schema, Fleet homeFleet, ClusterProperties props,
                           NodeProperties node) {
        this.storeSchema = node.getStoreSchema();
        this.storeReady.add(Cluster.DEFAULT); // StoreInitializer runs every script there
        List<Cluster> list = new ArrayList<>();
        ClusterProperties.Spec dflt = props.getClusters().get(Cluster.DEFAULT);
        if (dflt != null && dflt.getUrl() != null && !dflt.getUrl().isBlank()) {
            throw new IllegalArgumentException("tasknode.clusters.default.url: the cluster 'default' is the node's own "
                    + "database (spring.datasource.url); set that instead, or name this cluster otherwise");
        }
        list.add(new Cluster(Cluster.DEFAULT, true, home,
                dflt == null || dflt.getProjectIdsQuery() == null ? homeFleet : new Fleet(schema, dflt.getProjectIdsQuery()),
                parallel(dflt, schema), urlOf(home)));
        String homeUser = userOf(home);
        String homePassword = passwordOf(home);
        for (var e : props.getClusters().entrySet()) {
            if (e.getKey().equals(Cluster.DEFAULT)) {
                continue;
            }
            list.add(build(e.getKey(), e.getValue(), schema, homeUser, homePassword));
        }
        this.clusters = List.copyOf(list);
    }

    /** One cluster, for hand-wired engines and tests: today's single-datasource node. */
    public static ClusterRegistry single(DataSource ds, Fleet fleet, int parallelism, String storeSchema) {
        return new ClusterRegistry(List.of(new Cluster(Cluster.DEFAULT, true, ds, fleet, parallelism, urlOf(ds))), storeSchema);
    }

    /** Explicit clusters (tests): the first is home; the others' store tables are created on first use. */
    public ClusterRegistry(List<Cluster> clusters, String storeSchema) {
        this.clusters = List.copyOf(clusters);
        this.storeSchema = storeSchema;
        this.storeReady.add(clusters.getFirst().name());
    }

    private Cluster build(String name, ClusterProperties.Spec s, SchemaProperties schema, String homeUser, String homePassword) {
        String key = "tasknode.clusters." + name;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(key + ": a cluster name is lower-case letters, digits, '_' or '-' "
                    + "(it becomes a metrics label and a result field)");
        }
        if (s.getUrl() == null || !s.getUrl().startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException(key + ".url must be a jdbc:postgresql:// URL, got: " + s.getUrl());
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(s.getUrl());
        cfg.setUsername(blank(s.getUsername()) ? homeUser : s.getUsername());
        cfg.setPassword(s.getPassword() == null ? homePassword : s.getPassword());
        int parallel = parallel(s, schema);
        // the applier's lock connection, the inspecting connection and a validator/watch one besides the schemas
        cfg.setMaximumPoolSize(parallel + 3);
        cfg.setMinimumIdle(0);
        cfg.setPoolName("tasknode-" + name);
        cfg.setInitializationFailTimeout(-1); // a cluster that is down at start must not stop the node
        cfg.setConnectionTimeout(Math.max(250, s.getPoolTimeout().toMillis()));
        cfg.addDataSourceProperty("connectTimeout", String.valueOf(seconds(s.getConnectTimeout())));
        cfg.addDataSourceProperty("socketTimeout", String.valueOf(seconds(s.getSocketTimeout())));
        cfg.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource ds = new HikariDataSource(cfg);
        owned.add(ds);
        Fleet fleet = new Fleet(schema, s.getProjectIdsQuery() == null ? schema.getProjectIdsQuery() : s.getProjectIdsQuery());
        return new Cluster(name, false, ds, fleet, parallel, s.getUrl());
    }

    private static int parallel(ClusterProperties.Spec s, SchemaProperties schema) {
        return Math.max(1, s == null || s.getMaxParallel() <= 0 ? schema.getParallelism() : s.getMaxParallel());
    }

    private static long seconds(Duration d) {
        return d == null ? 0 : Math.max(d.isZero() ? 0 : 1, d.toSeconds());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Start-up check: one id on two clusters stops the node, naming both. Single cluster: nothing to check. */
    @Override
    public void afterPropertiesSet() {
        if (clusters.size() == 1) {
            return;
        }
        Placement p = placement();
        p.down().forEach((c, why) -> log.warn("cluster {} does not answer at start-up ({}); its schemas fail until it is "
                + "back, the other clusters work", c, why));
        if (!p.duplicates().isEmpty()) {
            throw new IllegalStateException("the clusters' placements overlap: " + p.describeDuplicates()
                    + ". A project lives on exactly one cluster: fix the clusters' project-ids-query (or drop the extra schema)");
        }
        log.info("{} clusters: {}", clusters.size(), clusters.stream().map(c -> c.name() + " " + p.idsByCluster()
                .getOrDefault(c.name(), List.of()).size() + " project(s)" + (p.down().containsKey(c.name()) ? " (down)" : ""))
                .toList());
    }

    public List<Cluster> all() {
        return clusters;
    }

    public Cluster home() {
        return clusters.getFirst();
    }

    public boolean single() {
        return clusters.size() == 1;
    }

    public Optional<Cluster> get(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Every cluster's project ids, read side by side; a cluster that fails is in {@link Placement#down()}. */
    public Placement placement() {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        Map<String, String> down = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clusters.size(), Thread.ofPlatform().name("cluster-read-", 0).factory());
        try {
            Map<Cluster, Future<List<String>>> reads = new LinkedHashMap<>();
            for (Cluster c : clusters) {
                reads.put(c, pool.submit(() -> {
                    try (Connection con = c.dataSource().getConnection()) {
                        return c.fleet().projectIds(con);
                    }
                }));
            }
            for (var e : reads.entrySet()) {
                try {
                    List<String> list = e.getValue().get();
                    ids.put(e.getKey().name(), list);
                    remember(e.getKey().name(), e.getKey().fleet(), list);
                } catch (java.util.concurrent.ExecutionException ex) {
                    down.put(e.getKey().name(), describe(ex.getCause()));
                }
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the clusters' project ids", ex);
        } finally {
            pool.shutdownNow();
        }
        return Placement.of(ids, down);
    }

    private void remember(String cluster, Fleet fleet, List<String> ids) {
        List<String> names = new ArrayList<>();
        names.add(fleet.sharedSchema());
        ids.forEach(id -> names.add(fleet.projectSchema(id)));
        lastKnown.put(cluster, List.copyOf(names));
    }

    /** Records the schemas a task found on a cluster (see {@link #lastKnownSchemas}). */
    public void seen(String cluster, List<String> schemas) {
        lastKnown.put(cluster, List.copyOf(schemas));
    }

    /** The schemas last seen on a cluster (its shared schema when never read), to name what fails while it is down. */
    public List<String> lastKnownSchemas(Cluster c) {
        return lastKnown.getOrDefault(c.name(), List.of(c.fleet().sharedSchema()));
    }

    /** "cluster tn2: <the error's message>" (the driver's message names host and port). */
    public static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return (m == null ? root.getClass().getSimpleName() : m).lines().findFirst().orElse("");
    }

    /** Creates the per-cluster store tables ({@link #PER_CLUSTER_STORE_SCRIPTS}) on a cluster, once per node run. */
    public void ensureStore(Cluster c) throws SQLException {
        if (storeReady.contains(c.name())) {
            return;
        }
        StringBuilder script = new StringBuilder("CREATE SCHEMA IF NOT EXISTS " + Fleet.quote(storeSchema) + ";\n");
        for (String r : PER_CLUSTER_STORE_SCRIPTS) {
            try (InputStream in = new ClassPathResource(r).getInputStream()) {
                script.append(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{schema}", storeSchema)).append('\n');
            } catch (IOException e) {
                throw new IllegalStateException("missing store script " + r, e);
            }
        }
        try (Connection con = c.dataSource().getConnection(); Statement st = con.createStatement()) {
            con.setAutoCommit(false);
            try {
                st.execute("SELECT pg_advisory_xact_lock(" + INIT_LOCK + ")");
                st.execute(script.toString());
                con.commit();
            } catch (SQLException e) {
                con.rollback();
                throw e;
            } finally {
                con.setAutoCommit(true);
            }
        }
        storeReady.add(c.name());
    }

    public String storeSchema() {
        return storeSchema;
    }

    @Override
    public void destroy() {
        owned.forEach(HikariDataSource::close);
    }

    private static String urlOf(DataSource ds) {
        HikariDataSource h = hikari(ds);
        return h == null ? "(datasource)" : h.getJdbcUrl();
    }

    private static String userOf(DataSource ds) {
        HikariDataSource h = hikari(ds);
        return h == null ? null : h.getUsername();
    }

    private static String passwordOf(DataSource ds) {
        HikariDataSource h = hikari(ds);
        return h == null ? null : h.getPassword();
    }

    private static HikariDataSource hikari(DataSource ds) {
        try {
            return ds.isWrapperFor(HikariDataSource.class) ? ds.unwrap(HikariDataSource.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }
}
