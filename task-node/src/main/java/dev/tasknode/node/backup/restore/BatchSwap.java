package dev.tasknode.node.backup.restore;

import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.task.TaskLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link SchemaSwap}'s first and last steps for the schemas of one batch archive together, in a few transactions
 * instead of several round trips and a commit per schema each: on a 1,000-project restore the per-schema catalog
 * queries, commits and drops were most of the time, not pg_restore. The guarantees are SchemaSwap's: every rename
 * aside commits with its journal row, every rename to {@code _replaced_*} (or drop) with the removal of that row, so
 * a crash at any point leaves each schema either as it was, restored, or journaled for the repair. What the batch
 * cannot decide for every schema at once (foreign keys or views of other schemas to re-attach, objects outside that
 * would be dropped) is left to the one-by-one path, which re-attaches or fails that schema with the reason.
 */
final class BatchSwap {
    /**
     * Schemas finished per transaction. Renaming a copy locks none of its tables (detaching its keys into shared
     * locks the table and the one it references); dropping one locks every relation until the commit (a 20-table
     * project with keys and indexes: about 100 locks), so drops go a few at a time: two workers' chunks must stay
     * far inside the lock table (64 × connections) that the rest of the platform shares.
     */
    static final int KEEP_CHUNK = 50;
    static final int DROP_CHUNK = 5;

    private final SchemaSwap swap;

    BatchSwap(SchemaSwap swap) {
        this.swap = swap;
    }

    /**
     * Step 1 and 2 for every schema in one transaction: journal rows, each live schema renamed aside, an empty one
     * created with its owner and schema grants. On failure nothing happened (rolled back) and it throws.
     */
    List<SchemaSwap.Swap> moveAside(Connection c, List<String> schemas, String backupId, String taskId) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL search_path = pg_catalog"); // pg_get_constraintdef then qualifies every name
            Map<String, String> owners = new HashMap<>();
            Map<String, List<String>> grants = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, pg_get_userbyid(n.nspowner),"
                    + " ARRAY(SELECT format('GRANT %s ON SCHEMA %I TO %s', a.privilege_type, n.nspname, CASE a.grantee"
                    + " WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END)"
                    + " FROM aclexplode(n.nspacl) a WHERE a.grantee <> n.nspowner) FROM pg_namespace n WHERE n.nspname = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        owners.put(rs.getString(1), rs.getString(2));
                        grants.put(rs.getString(1), List.of((String[]) rs.getArray(3).getArray()));
                    }
                }
            }
            List<String> live = schemas.stream().filter(owners::containsKey).toList();
            Map<String, Dependents.Captured> deps = live.isEmpty() ? Map.of() : Dependents.captureAll(c, live);
            List<SchemaSwap.Swap> swaps = new ArrayList<>();
            StringBuilder ddl = new StringBuilder();
            for (String s : schemas) {
                boolean there = owners.containsKey(s);
                SchemaSwap.Swap sw = new SchemaSwap.Swap(s, there ? SchemaSwap.asideName(s) : null, owners.get(s),
                        grants.getOrDefault(s, List.of()), deps.getOrDefault(s, Dependents.Captured.NONE));
                swaps.add(sw);
                if (there) {
                    ddl.append("ALTER SCHEMA ").append(Fleet.quote(s)).append(" RENAME TO ").append(Fleet.quote(sw.aside())).append(";\n");
                }
                ddl.append("CREATE SCHEMA ").append(Fleet.quote(s))
                        .append(sw.owner() == null ? "" : " AUTHORIZATION " + Fleet.quote(sw.owner())).append(";\n");
                sw.grants().forEach(g -> ddl.append(g).append(";\n"));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + swap.journalTable()
                    + " (schema_name, aside_name, backup_id, task_id) SELECT s, a, ?, ? FROM unnest(?::text[], ?::text[]) AS x(s, a)")) {
                ps.setString(1, backupId);
                ps.setString(2, taskId);
                ps.setArray(3, c.createArrayOf("text", schemas.toArray()));
                ps.setArray(4, c.createArrayOf("text", swaps.stream().map(SchemaSwap.Swap::aside).toArray()));
                ps.executeUpdate();
            }
            st.execute(ddl.toString()); // one round trip for the whole batch
            c.commit();
            return swaps;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Step 3 for the swaps nothing of another schema hangs on, in chunks of a transaction each: the aside copy kept
     * as {@code _replaced_*} (its keys into other schemas detached and recorded, as {@link SchemaSwap#finish} does)
     * or dropped, and the journal rows closed. A copy that objects outside still depend on is left out (the one-by-one
     * finish fails it, naming them). Copies with keys into other schemas are finished under {@code finishing} (their
     * detach or drop locks the referenced tables, see {@link SchemaRestorer}). Returns the swaps finished; the others
     * are the caller's to finish one by one. A chunk whose transaction fails is rolled back and left to the caller too.
     */
    List<SchemaSwap.Swap> finish(Connection c, List<SchemaSwap.Swap> swaps, SchemaSwap.Keep keep, ReentrantLock finishing,
                                 TaskLog log) {
        List<SchemaSwap.Swap> done = new ArrayList<>();
        List<SchemaSwap.Swap> ready = swaps.stream().filter(s -> s.dependents().foreignKeys().isEmpty()
                && s.dependents().views().isEmpty()).toList();
        int chunk = keep == null ? DROP_CHUNK : KEEP_CHUNK;
        for (int i = 0; i < ready.size(); i += chunk) {
            List<SchemaSwap.Swap> part = ready.subList(i, Math.min(ready.size(), i + chunk));
            try {
                boolean serial = !outwardKeys(c, part).isEmpty();
                if (serial) {
                    finishing.lock();
                }
                try {
                    done.addAll(finishChunk(c, part, keep));
                } finally {
                    if (serial) {
                        finishing.unlock();
                    }
                }
            } catch (SQLException e) {
                // rolled back: these go the one-by-one way, which says what is wrong with which schema
                log.warn("finishing %d schema(s) at once failed (%s); finishing them one by one", part.size(), e.getMessage());
            }
        }
        return done;
    }

    private List<SchemaSwap.Swap> finishChunk(Connection c, List<SchemaSwap.Swap> part, SchemaSwap.Keep keep) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            List<SchemaSwap.Swap> asides = part.stream().filter(s -> s.aside() != null).toList();
            Set<String> blocked = asides.isEmpty() ? Set.of()
                    : Dependents.leftoversAll(c, asides.stream().map(SchemaSwap.Swap::aside).toList()).keySet();
            List<SchemaSwap.Swap> go = part.stream().filter(s -> s.aside() == null || !blocked.contains(s.aside())).toList();
            List<SchemaSwap.Swap> copies = go.stream().filter(s -> s.aside() != null).toList();
            Map<String, String> kept = new LinkedHashMap<>();
            if (!copies.isEmpty() && keep == null) {
                st.execute("DROP SCHEMA " + String.join(", ", copies.stream().map(s -> Fleet.quote(s.aside())).toList()) + " CASCADE");
            } else if (!copies.isEmpty()) {
                Map<String, List<String>> keys = detachForeignKeys(c, copies);
                StringBuilder ddl = new StringBuilder();
                for (SchemaSwap.Swap s : copies) {
                    String name = SchemaSwap.keptName(s.aside());
                    kept.put(s.aside(), name);
                    ddl.append("ALTER SCHEMA ").append(Fleet.quote(s.aside())).append(" RENAME TO ").append(Fleet.quote(name)).append(";\n");
                }
                st.execute(ddl.toString());
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + swap.replacedTable()
                        + " (kept_name, schema_name, backup_id, task_id, keep_until, foreign_keys) VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (SchemaSwap.Swap s : copies) {
                        ps.setString(1, kept.get(s.aside()));
                        ps.setString(2, s.schema());
                        ps.setString(3, keep.backupId());
                        ps.setString(4, keep.taskId());
                        ps.setObject(5, java.time.OffsetDateTime.ofInstant(keep.until(), java.time.ZoneOffset.UTC));
                        ps.setArray(6, c.createArrayOf("text", keys.getOrDefault(s.aside(), List.of()).toArray()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + swap.journalTable() + " WHERE schema_name = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", go.stream().map(SchemaSwap.Swap::schema).toArray()));
                ps.executeUpdate();
            }
            c.commit();
            if (keep != null) {
                keep.kept().addAll(kept.values());
            }
            return go;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** The aside copies among {@code part} that have foreign keys into another schema. */
    private static Set<String> outwardKeys(Connection c, List<SchemaSwap.Swap> part) throws SQLException {
        Set<String> out = new HashSet<>();
        List<String> asides = part.stream().map(SchemaSwap.Swap::aside).filter(a -> a != null).toList();
        if (asides.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT n.nspname FROM pg_namespace n JOIN pg_constraint k"
                + " ON k.connamespace = n.oid AND k.contype = 'f' JOIN pg_class r ON r.oid = k.confrelid"
                + " WHERE n.nspname = ANY (?) AND r.relnamespace <> k.connamespace")) {
            ps.setArray(1, c.createArrayOf("text", asides.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Drops the copies' foreign keys into other schemas (see SchemaSwap's detachForeignKeys, one query and one round
     * trip of drops for all); returns per aside copy the statements that re-create them once it is renamed back.
     */
    private static Map<String, List<String>> detachForeignKeys(Connection c, List<SchemaSwap.Swap> copies) throws SQLException {
        Map<String, List<String>> readd = new HashMap<>();
        StringBuilder drops = new StringBuilder();
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL search_path = pg_catalog");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT x.aside, format('ALTER TABLE %I.%I DROP CONSTRAINT %I', n.nspname,"
                + " t.relname, k.conname), format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', x.live, t.relname, k.conname,"
                + " pg_get_constraintdef(k.oid)) FROM unnest(?::text[], ?::text[]) AS x(aside, live)"
                + " JOIN pg_namespace n ON n.nspname = x.aside JOIN pg_constraint k ON k.connamespace = n.oid AND k.contype = 'f'"
                + " JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid"
                + " WHERE r.relnamespace <> k.connamespace ORDER BY 1, t.relname, k.conname")) {
            ps.setArray(1, c.createArrayOf("text", copies.stream().map(SchemaSwap.Swap::aside).toArray()));
            ps.setArray(2, c.createArrayOf("text", copies.stream().map(SchemaSwap.Swap::schema).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    drops.append(rs.getString(2)).append(";\n");
                    readd.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(3));
                }
            }
        }
        try (Statement st = c.createStatement()) {
            if (!drops.isEmpty()) {
                st.execute(drops.toString());
            }
            st.execute("SET LOCAL search_path TO DEFAULT");
        }
        return readd;
    }
}
