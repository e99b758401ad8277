package dev.tasknode.node.web;

import static dev.tasknode.node.web.AdminApi.json;

import dev.tasknode.contracts.tasks.ParamException;
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
 * A catalog read on the platform database, which every replica shares; no task is run for it.
 */
@RestController
@RequestMapping("/admin/api")
class LiveSchemasApi {
    private static final int MAX = 1000;
    private final JdbcTemplate jdbc;

    LiveSchemasApi(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** {schemas: {name: {exists, tables, rows_estimate}}} for {@code ?schemas=shared,p_1,...}. */
    @GetMapping("/live-schemas")
    ResponseEntity<String> live(@RequestParam String schemas) {
        List<String> names = Arrays.stream(schemas.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        if (names.size() > MAX) {
            throw new ParamException("schemas", names.size() + " schemas asked for", "at most " + MAX);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, Map.of("exists", false, "tables", 0, "rows_estimate", 0));
        }
        jdbc.query("""
                SELECT n.nspname, count(c.oid) AS tables, coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint AS rows,
                       bool_or(c.reltuples < 0) AS never_analyzed
                FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p')
                WHERE n.nspname = ANY (?) GROUP BY n.nspname""", rs -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("exists", true);
            v.put("tables", rs.getInt("tables"));
            v.put("rows_estimate", rs.getLong("rows"));
            v.put("never_analyzed", rs.getBoolean("never_analyzed"));
            out.put(rs.getString("nspname"), v);
        }, (Object) names.toArray(String[]::new));
        return json(HttpStatus.OK, Map.of("schemas", out));
    }

    @ExceptionHandler(ParamException.class)
    ResponseEntity<String> invalid(ParamException e) {
        return json(HttpStatus.BAD_REQUEST, Map.of("error", e.toError()));
    }
}
