package dev.tasknode.node.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;

/**
 * Seam between backups and the schema engine: the engine implements it (fingerprint of each schema's
 * normalized catalog, the same value schema_status and the migration history use); backups record it in
 * their manifest. Injected as an optional bean.
 */
public interface SchemaFingerprints {
    Map<String, String> fingerprints(Connection c, Collection<String> schemas) throws SQLException;
}
