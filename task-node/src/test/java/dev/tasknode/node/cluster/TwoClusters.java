package dev.tasknode.node.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.PreMigrationBackup;
import dev.tasknode.node.db.SchemaProperties;
import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.SchemaMetrics;
import dev.tasknode.node.schema.fanout.ClusterSchemas;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.testing.TestEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * A test class's fleet on the two real clusters: a database of its own on the main cluster (home: the node's store
 * lives there) and one on the second cluster (tn2, {@link TestEndpoints#postgres2()}), each cluster with its own
 * placement. The registry is built the way the node builds it, from {@code tasknode.clusters.*} properties (pools
 * with short timeouts, so a stopped cluster fails fast). Everything is dropped by {@link #close()}.
 */
final class TwoClusters implements AutoCloseable {
    final TestEndpoints.Postgres pg1 = TestEndpoints.postgres();
    final TestEndpoints.Postgres pg2 = TestEndpoints.postgres2();
    final String db1;
    final String db2;
    final HikariDataSource home;
    final SchemaProperties props = new SchemaProperties();
    final List<ClusterRegistry> registries = new ArrayList<>();
    final List<String> extraDbs = new ArrayList<>();

    TwoClusters(String prefix) {
        db1 = TestEndpoints.createDatabase(pg1, prefix);
        db2 = TestEndpoints.createDatabase(pg2, prefix);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(pg1.urlFor(db1));
        cfg.setUsername(pg1.user());
        cfg.setPassword(pg1.password());
        cfg.setMaximumPoolSize(5);
        cfg.setMinimumIdle(0);
        cfg.setPoolName(prefix + "_home");
        home = new HikariDataSource(cfg);
        props.setParallelism(2);
        props.setProjectIdsQuery("");
        try (InputStream in = getClass().getResourceAsStream("/db/tasknode/20-schema.sql")) {
            exec1(home, "CREATE SCHEMA IF NOT EXISTS tasknode;\n"
                    + new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{schema}", "tasknode"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDBC URL of the second cluster's test database (tasknode.clusters.tn2.url). */
    String url2() {
        return pg2.urlFor(db2);
    }

    /** A spec as tasknode.clusters.<name>.* would bind it. */
    ClusterProperties.Spec spec(String url, String projectIdsQuery) {
        ClusterProperties.Spec s = new ClusterProperties.Spec();
        s.setUrl(url);
        s.setUsername(pg2.user());
        s.setPassword(pg2.password());
        s.setProjectIdsQuery(projectIdsQuery);
        s.setMaxParallel(2);
        s.setConnectTimeout(Duration.ofSeconds(2));
        s.setPoolTimeout(Duration.ofSeconds(2));
        s.setSocketTimeout(Duration.ofSeconds(60));
        return s;
    }

    /** The registry of {@code clusters} (name → spec; "default" may carry only a project ids query), checked as at start. */
    ClusterRegistry registry(Map<String, ClusterProperties.Spec> clusters) {
        ClusterProperties cp = new ClusterProperties();
        cp.getClusters().putAll(clusters);
        ClusterRegistry r = new ClusterRegistry(home, props, new Fleet(props), cp, new NodeProperties());
        registries.add(r);
        r.afterPropertiesSet();
        return r;
    }

    /** The placement tests use: projects a1, a2 on the home cluster, b1, b2, b3 on tn2. */
    ClusterRegistry standard() {
        ClusterProperties.Spec dflt = new ClusterProperties.Spec();
        dflt.setProjectIdsQuery("VALUES ('a1'), ('a2')");
        return registry(new java.util.LinkedHashMap<>(Map.of(Cluster.DEFAULT, dflt,
                "tn2", spec(url2(), "VALUES ('b1'), ('b2'), ('b3')"))));
    }

    record Wired(SchemaEngine engine, ClusterSchemas schemas, SimpleMeterRegistry meters, SchemaMetrics metrics) {}

    Wired wire(ClusterRegistry r, ModelSet model) {
        return wire(r, model, new StaticListableBeanFactory().getBeanProvider(PreMigrationBackup.class));
    }

    /** With the pre-migration backup apply calls (backup=true). */
    Wired wire(ClusterRegistry r, ModelSet model, org.springframework.beans.factory.ObjectProvider<PreMigrationBackup> backups) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SchemaMetrics metrics = new SchemaMetrics(meters);
        SchemaEngine engine = new SchemaEngine(home, props, r.home().fleet(), "tasknode", model, metrics);
        return new Wired(engine, ClusterSchemas.of(r, engine, backups), meters, metrics);
    }

    static ModelSet model(String shared, String project) {
        return new ModelSet(List.of(new ModelFile(ModelSet.Kind.SHARED, "shared/10.sql", "test", shared)),
                List.of(new ModelFile(ModelSet.Kind.PROJECT, "project/10.sql", "test", project)));
    }

    /** Schema names present in a database, matching {@code like}. */
    List<String> schemas(TestEndpoints.Postgres pg, String db, String like) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.urlFor(db), pg.user(), pg.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE '" + like + "' ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    void exec(TestEndpoints.Postgres pg, String db, String sql) {
        try (Connection c = DriverManager.getConnection(pg.urlFor(db), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (Exception e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static void exec1(javax.sql.DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() {
        registries.forEach(ClusterRegistry::destroy);
        home.close();
        TestEndpoints.dropDatabase(pg1, db1);
        TestEndpoints.dropDatabase(pg2, db2);
        extraDbs.forEach(d -> TestEndpoints.dropDatabase(pg2, d));
    }
}
