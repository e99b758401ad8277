package dev.tasknode.node.web;

import static dev.tasknode.node.web.AdminApi.json;

import dev.tasknode.contracts.tasks.ParamException;
import dev.tasknode.node.cluster.Cluster;
import dev.tasknode.node.cluster.ClusterRegistry;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What is live now in the schemas a backup holds, for the restore dialog's comparison: tables and PostgreSQL's
 * row estimate (pg_class.reltuples, kept by ANALYZE and autovacuum: cheap, never a count(*) over a big table).
 * A catalog read on each cluster the schemas live on (a backup names each schema's cluster; every cluster has its
 * own shared schema); no task is run for it.
 */
@RestController
@RequestMapping("/admin/api")
class LiveSchemasApi {
    private static final int MAX = 1000;
    private final ClusterRegistry clusters;

    LiveSchemasApi(ClusterRegistry clusters) {
        this.clusters = clusters;
    }

    /**
     * {schemas: {key: {cluster, exists, tables, rows_estimate, never_analyzed}}} for {@code ?schemas=shared,tn2:p_7,...}:
     * a key is {@code schema} (the home cluster) or {@code cluster:schema}. A cluster that does not answer gives its
     * schemas {@code exists: null} and the {@code error}; an unknown cluster is refused, naming the configured ones.
     */
    @GetMapping("/live-schemas")
    ResponseEntity<String> live(@RequestParam String schemas) {
        List<String> keys = Arrays.stream(schemas.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        if (keys.size() > MAX) {
            throw new ParamException("schemas", keys.size() + " schemas asked for", "at most " + MAX);
        }
        Map<String, Map<String, String>> byCluster = new LinkedHashMap<>(); // cluster -> schema -> key
        for (String k : keys) {
            int colon = k.indexOf(':');
            String cluster = colon < 0 ? clusters.home().name() : k.substring(0, colon);
            if (clusters.get(cluster).isEmpty()) {
                throw new ParamException("schemas", "unknown cluster " + cluster + " in " + k, "one of "
                        + clusters.all().stream().map(Cluster::name).toList());
            }
            byCluster.computeIfAbsent(cluster, c -> new LinkedHashMap<>()).put(colon < 0 ? k : k.substring(colon + 1), k);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        byCluster.forEach((cluster, names) -> {
            names.forEach((schema, key) -> out.put(key, entry(cluster, false)));
            try {
                read(clusters.get(cluster).orElseThrow(), names, out);
            } catch (RuntimeException e) {
                String why = "cluster " + cluster + " does not answer: " + ClusterRegistry.describe(e);
                names.values().forEach(key -> {
                    Map<String, Object> v = entry(cluster, false);
                    v.put("exists", null);
                    v.put("error", why);
                    out.put(key, v);
                });
            }
        });
        return json(HttpStatus.OK, Map.of("schemas", out));
    }

    private static Map<String, Object> entry(String cluster, boolean exists) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("cluster", cluster);
        v.put("exists", exists);
        v.put("tables", 0);
        v.put("rows_estimate", 0);
        return v;
    }

    private static void read(Cluster c, Map<String, String> names, Map<String, Object> out) {
        new JdbcTemplate(c.dataSource()).query("""
                SELECT n.nspname, count(c.oid) AS tables, coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint AS rows,
                       bool_or(c.reltuples < 0) AS never_analyzed
                FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p')
                WHERE n.nspname = ANY (?) GROUP BY n.nspname""", rs -> {
            Map<String, Object> v = entry(c.name(), true);
            v.put("tables", rs.getInt("tables"));
            v.put("rows_estimate", rs.getLong("rows"));
            v.put("never_analyzed", rs.getBoolean("never_analyzed"));
            out.put(names.get(rs.getString("nspname")), v);
        }, (Object) names.keySet().toArray(String[]::new));
    }

    @ExceptionHandler(ParamException.class)
    ResponseEntity<String> invalid(ParamException e) {
        return json(HttpStatus.BAD_REQUEST, Map.of("error", e.toError()));
    }
}
