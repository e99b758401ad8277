package dev.tasknode.node.schema;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.SchemaFingerprints;
import dev.tasknode.node.db.SchemaProperties;
import dev.tasknode.node.schema.apply.DataChecks;
import dev.tasknode.node.schema.apply.History;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.Batches;
import dev.tasknode.node.schema.inspect.CatalogInspector;
import dev.tasknode.node.schema.inspect.shadow.Shadow;
import dev.tasknode.node.schema.model.ModelLoader;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The schema engine's entry point: the model (loaded and checked at start-up), its normalized form, and the
 * fleet plan — inspect every target schema in bulk, group schemas by catalog fingerprint, diff once per group.
 */
@Component
public class SchemaEngine implements SchemaFingerprints, InitializingBean {
    private static final Logger log = LoggerFactory.getLogger(SchemaEngine.class);

    private final DataSource ds;
    private final SchemaProperties props;
    private final Fleet fleet;
    private final History history;
    private final SchemaMetrics metrics;
    private final String storeSchema;
    private volatile ModelSet model;
    private volatile Shadow.Desired desired;
    private PgTools pgTools;
    /** The home engine a cluster view shares its model and shadow with (null: this is the home engine). */
    private SchemaEngine parent;
    private String cluster = dev.tasknode.node.cluster.Cluster.DEFAULT;
    private int parallelism; // 0 = props' parallelism

    @Autowired
    public SchemaEngine(DataSource ds, SchemaProperties props, Fleet fleet, NodeProperties node, SchemaMetrics metrics) {
        this(ds, props, fleet, node.getStoreSchema(), null, metrics);
    }

    /** For tests and tools: an explicit model (null = load from the configured location). */
    public SchemaEngine(DataSource ds, SchemaProperties props, Fleet fleet, String storeSchema, ModelSet model,
                        SchemaMetrics metrics) {
        this.ds = ds;
        this.props = props;
        this.fleet = fleet;
        this.history = new History(storeSchema);
        this.storeSchema = storeSchema;
        this.metrics = metrics;
        this.model = model;
    }

    /**
     * This engine on one cluster: that cluster's pool, fleet view, parallelism and metrics; the model, its shadow and
     * the client tools are the home engine's (the model is one, wherever the schemas live).
     */
    public SchemaEngine on(dev.tasknode.node.cluster.Cluster c) {
        SchemaEngine home = parent == null ? this : parent;
        if (c.home() && c.fleet() == home.fleet && c.maxParallel() == home.parallelism()) {
            return home;
        }
        SchemaEngine view = new SchemaEngine(c.dataSource(), props, c.fleet(), storeSchema, home.model, home.metrics.forCluster(c.name()));
        view.parent = home;
        view.cluster = c.name();
        view.parallelism = c.maxParallel();
        // pg_dump/psql (plan validation) must reach this cluster: the node's tools and paths, the cluster's server
        dev.tasknode.node.db.ScratchDatabases conn = c.home() ? null : dev.tasknode.node.db.ScratchDatabases.of(c.dataSource());
        view.pgTools = c.home() ? home.pgTools : home.pgTools == null || conn == null ? null
                : home.pgTools.on(PgTools.Target.fromJdbc(conn.url(), conn.user(), conn.password()));
        return view;
    }

    /** The cluster this engine works on ({@code default} unless it is a view from {@link #on}). */
    public String cluster() {
        return cluster;
    }

    /** Schemas migrated at once on this engine's cluster. */
    public int parallelism() {
        return parallelism > 0 ? parallelism : props.getParallelism();
    }

    /** Start-up: bad model files stop the node here, with file and line (jOOQ's parser, then PostgreSQL's). */
    @Override
    public void afterPropertiesSet() throws SQLException {
        ModelSet m = model();
        for (String note : ModelLoader.validate(m)) {
            log.info("model statement not understood by jOOQ's parser, PostgreSQL checks it: {}", note);
        }
        Shadow.Desired d = desired();
        log.info("schema model {}: {} shared and {} project files; shared {} tables, project {} tables", m.digest(),
                m.shared().size(), m.project().size(), d.shared().tables().size(), d.project().tables().size());
    }

    public ModelSet model() {
        if (parent != null) {
            return parent.model();
        }
        if (model == null) {
            model = ModelLoader.load(props);
        }
        return model;
    }

    public Shadow.Desired desired() throws SQLException {
        if (parent != null) {
            return parent.desired();
        }
        Shadow.Desired d = desired;
        if (d == null) {
            synchronized (this) {
                if (desired == null) {
                    long t0 = System.nanoTime();
                    desired = Shadow.normalize(ds, model());
                    log.info("model normalised in its shadow in {} ms", (System.nanoTime() - t0) / 1_000_000);
                }
                d = desired;
            }
        }
        return d;
    }

    /** The node's pg_dump/psql runner (plan validation); absent in hand-wired engines, which then use the defaults. */
    @Autowired(required = false)
    public void setPgTools(PgTools pgTools) {
        this.pgTools = pgTools;
    }

    public PgTools pgTools() {
        return pgTools;
    }

    public DataSource dataSource() {
        return ds;
    }

    public SchemaProperties props() {
        return props;
    }

    public Fleet fleet() {
        return fleet;
    }

    public String storeSchema() {
        return storeSchema;
    }

    public History history() {
        return history;
    }

    public SchemaMetrics metrics() {
        return metrics;
    }

    public ModelSet.Kind kindOf(String schema) {
        return schema.equals(fleet.sharedSchema()) ? ModelSet.Kind.SHARED : ModelSet.Kind.PROJECT;
    }

    public Catalog.Schema desiredFor(ModelSet.Kind kind) throws SQLException {
        return kind == ModelSet.Kind.SHARED ? desired().shared() : desired().project();
    }

    /**
     * Schemas with one catalog state (same kind, same fingerprint) and the plan that migrates them. For create_tables,
     * {@code fingerprint} is null for the schemas that have every object by name: their catalogs are not read.
     */
    public record Group(ModelSet.Kind kind, String fingerprint, Catalog.Schema sample, List<String> schemas, Plan plan) {}

    /** The plan of a set of schemas; {@code fingerprint} identifies it (apply's {@code expect}). */
    public record FleetPlan(List<Group> groups, String fingerprint) {
        public Map<String, Group> bySchema() {
            Map<String, Group> out = new LinkedHashMap<>();
            groups.forEach(g -> g.schemas().forEach(s -> out.put(s, g)));
            return out;
        }
    }

    public List<String> schemas(Connection c, Scope scope) throws SQLException {
        return fleet.schemas(c, scope);
    }

    /**
     * Inspects the schemas in batches and diffs each distinct state once. Shared group first. For create_tables
     * ({@code onlyCreates}) a first pass reads names only: it creates nothing in a schema that has every object by
     * name, so only the other schemas' catalogs are read in full (a fleet's worth of rendering saved).
     */
    public FleetPlan plan(Connection c, List<String> schemas, boolean onlyCreates) throws SQLException {
        Shadow.Desired d = desired();
        Map<String, Group> groups = new LinkedHashMap<>();
        List<String> full = onlyCreates ? needCreates(c, schemas, groups) : schemas;
        inspect(c, full, CatalogInspector.Detail.FULL, batch -> {
            for (Catalog.Schema cat : batch.values()) {
                group(groups, cat, cat.fingerprint(), onlyCreates);
            }
        });
        List<Group> list = new ArrayList<>(groups.values());
        list.sort((a, b) -> a.kind() != b.kind() ? a.kind().compareTo(b.kind()) : a.schemas().getFirst().compareTo(b.schemas().getFirst()));
        return new FleetPlan(List.copyOf(list), fingerprint(list, d));
    }

    /**
     * create_tables' first pass, names only (cheap queries, in batches): groups the absent schemas and those
     * that have every object by name (create_tables leaves them alone; fingerprint null, their catalogs are not read)
     * and returns the others, to be read in full.
     */
    private List<String> needCreates(Connection c, List<String> schemas, Map<String, Group> groups) throws SQLException {
        List<String> creating = new ArrayList<>();
        Map<String, Boolean> complete = new HashMap<>(); // by kind and names fingerprint: one diff per state
        List<Catalog.Schema> named = new ArrayList<>();
        inspect(c, schemas, CatalogInspector.Detail.NAMES, batch -> named.addAll(batch.values()));
        for (Catalog.Schema cat : named) {
            ModelSet.Kind kind = kindOf(cat.name());
            Catalog.Schema want = desiredFor(kind);
            if (!cat.exists()) {
                group(groups, cat, cat.fingerprint(), true); // the same catalog a full read gives
            } else if (complete.computeIfAbsent(kind + cat.fingerprint(),
                    k -> Differ.plan(cat, want, 0).onlyCreates().isEmpty())) {
                group(groups, cat, null, true);
            } else {
                creating.add(cat.name());
            }
        }
        return creating;
    }

    private void group(Map<String, Group> groups, Catalog.Schema cat, String fp, boolean onlyCreates) throws SQLException {
        ModelSet.Kind kind = kindOf(cat.name());
        String key = kind + fp;
        Group g = groups.get(key);
        if (g == null) {
            g = new Group(kind, fp, cat, new ArrayList<>(), replan(cat, kind, onlyCreates));
            groups.put(key, g);
        } else if (maxRows(cat) > maxRows(g.sample())) {
            // the largest schema decides whether an index build counts as locking
            g = new Group(kind, fp, cat, g.schemas(), replan(cat, kind, onlyCreates));
            groups.put(key, g);
        }
        g.schemas().add(cat.name());
    }

    private Plan replan(Catalog.Schema cat, ModelSet.Kind kind, boolean onlyCreates) throws SQLException {
        Plan p = Differ.plan(cat, desiredFor(kind), props.getLargeTableRows());
        return onlyCreates ? p.onlyCreates() : p;
    }

    private static long maxRows(Catalog.Schema s) {
        return s.rowEstimates().values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static String fingerprint(List<Group> groups, Shadow.Desired d) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((d.sharedFingerprint() + d.projectFingerprint()).getBytes(StandardCharsets.UTF_8));
            for (Group g : groups) {
                if (g.plan().isEmpty()) {
                    continue;
                }
                md.update((g.kind() + g.fingerprint() + String.join(",", g.schemas()) + g.plan().script())
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the data checks of {@code steps} (in run order) that can run before them on each schema (see
     * {@link DataChecks}); only findings are returned: rows found, or a check whose query failed (reported, never thrown).
     */
    public List<Results.CheckFinding> checks(Connection c, List<Step> steps, Collection<String> schemas) throws SQLException {
        return DataChecks.before(c, steps, schemas, fleet.sharedSchema(), false);
    }

    @Override
    public Map<String, String> fingerprints(Connection c, Collection<String> schemas) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        inspect(c, List.copyOf(schemas), CatalogInspector.Detail.FULL, batch -> batch.forEach((k, v) -> out.put(k, v.fingerprint())));
        return out;
    }

    /** The catalogs of {@code schemas} in batches, several at once ({@link Batches}), handed over in order. */
    public void inspect(Connection c, List<String> schemas, CatalogInspector.Detail detail, Batches.Sink sink) throws SQLException {
        Batches.inspect(c, ds, schemas, fleet.sharedSchema(), desired().extensions(), detail, props.getInspectParallelism(), sink);
    }
}
