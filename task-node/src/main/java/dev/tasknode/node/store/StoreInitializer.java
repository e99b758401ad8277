package dev.tasknode.node.store;

import dev.tasknode.node.config.NodeProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates the node's own schema at start-up: every {@code classpath*:db/tasknode/*.sql} in file-name order,
 * {schema} replaced by {@code tasknode.store-schema}. The files are idempotent; one transaction under an
 * advisory lock, so replicas starting together do not race on CREATE TABLE IF NOT EXISTS.
 */
@Component
public class StoreInitializer {
    private static final long INIT_LOCK = 0x746b6e5f696e6974L; // 'tkn_init'

    public StoreInitializer(JdbcTemplate jdbc, TransactionTemplate tx, NodeProperties props) throws IOException {
        String schema = props.getStoreSchema();
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("tasknode.store-schema must be a plain lower-case identifier: " + schema);
        }
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath*:db/tasknode/*.sql");
        Arrays.sort(files, Comparator.comparing(Resource::getFilename));
        StringBuilder script = new StringBuilder();
        for (Resource r : files) {
            script.append(r.getContentAsString(StandardCharsets.UTF_8).replace("{schema}", schema)).append('\n');
        }
        tx.executeWithoutResult(status -> {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(" + INIT_LOCK + ")");
            // a plain Statement: the driver runs the multi-statement script as it is
            jdbc.execute(script.toString());
        });
    }
}
