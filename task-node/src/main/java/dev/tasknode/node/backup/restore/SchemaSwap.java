package dev.tasknode.node.backup.restore;

import dev.tasknode.node.backup.pg.SchemaCatalog;
import dev.tasknode.node.config.NodeProperties;
import dev.tasknode.node.db.Fleet;
import dev.tasknode.node.db.SchemaLocks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Replaces one schema without ever losing it, through a journal row in the node's schema:
 * <ol>
 * <li>one transaction: journal row + {@code ALTER SCHEMA s RENAME TO <aside>} (the live data stays intact, aside)</li>
 * <li>the restore creates a new {@code s} (separate transactions, pg_restore)</li>
 * <li>one transaction: re-point foreign keys from other schemas, drop the aside copy, delete the journal row</li>
 * </ol>
 * On failure, or at the next start after a crash between 1 and 3: drop the new {@code s}, rename the aside copy back.
 * Objects of other schemas that depend on {@code s} (foreign keys and views of projects into shared) follow the
 * aside tables by OID; step 3 re-attaches them to the restored tables ({@link Dependents}), so they survive.
 */
@Component
public class SchemaSwap {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaSwap.class);

    /** Keep the replaced copy: which restore replaced it, until when; the kept names are added to {@code kept}. */
    record Keep(String backupId, String taskId, java.time.Instant until, List<String> kept) {}

    /** What was moved aside, and what to give the new schema: owner, schema grants, what other schemas hang on it. */
    record Swap(String schema, String aside, String owner, List<String> grants, Dependents.Captured dependents) {}

    private final String journal;
    private final String replaced;
    private final String storeSchema;

    public SchemaSwap(NodeProperties node) {
        this.storeSchema = node.getStoreSchema();
        this.journal = Fleet.quote(storeSchema) + ".backup_restore_journal";
        this.replaced = Fleet.quote(storeSchema) + ".backup_replaced";
    }

    public String storeSchema() {
        return storeSchema;
    }

    /** Creates the journal table when the core has not run the db/tasknode scripts yet (idempotent). */
    public void ensureJournal(Connection c) throws SQLException, IOException {
        try (InputStream in = new ClassPathResource("db/tasknode/30-backup.sql").getInputStream();
             Statement st = c.createStatement()) {
            st.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{schema}", Fleet.quote(storeSchema)));
        }
    }

    /** Step 1. {@code c} must be in auto-commit mode; it is left so. */
    Swap moveAside(Connection c, String schema, String backupId, String taskId) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL search_path = pg_catalog"); // pg_get_constraintdef then qualifies every name
            boolean live = SchemaCatalog.exists(c, schema);
            String aside = live ? asideName(schema) : null;
            String owner = null;
            List<String> grants = new ArrayList<>();
            Dependents.Captured dependents = Dependents.Captured.NONE;
            if (live) {
                owner = query(c, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ?", schema).get(0);
                grants = query(c, "SELECT format('GRANT %s ON SCHEMA %I TO %s', a.privilege_type, n.nspname,"
                        + " CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END)"
                        + " FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = ? AND a.grantee <> n.nspowner", schema);
                dependents = Dependents.capture(c, schema);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + journal
                    + " (schema_name, aside_name, backup_id, task_id) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, schema);
                ps.setString(2, aside);
                ps.setString(3, backupId);
                ps.setString(4, taskId);
                ps.executeUpdate();
            }
            if (live) {
                st.execute("ALTER SCHEMA " + Fleet.quote(schema) + " RENAME TO " + Fleet.quote(aside));
            }
            c.commit();
            return new Swap(schema, aside, owner, grants, dependents);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Creates the empty schema pg_restore fills ({@code pg_restore -n} emits no CREATE SCHEMA). */
    void create(Connection c, Swap s) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + Fleet.quote(s.schema())
                    + (s.owner() == null ? "" : " AUTHORIZATION " + Fleet.quote(s.owner())));
            for (String g : s.grants()) {
                st.execute(g);
            }
        }
    }

    /** For the prototype's SQL, which creates its schema itself: give it the old owner and grants afterwards. */
    void adopt(Connection c, Swap s) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (s.owner() != null) {
                st.execute("ALTER SCHEMA " + Fleet.quote(s.schema()) + " OWNER TO " + Fleet.quote(s.owner()));
            }
            for (String g : s.grants()) {
                st.execute(g);
            }
        }
    }

    /**
     * Step 3: re-attach what other schemas hang on the replaced one (foreign keys, views), make sure nothing else
     * outside still depends on the aside copy, drop it, close the journal row. One transaction: on any failure
     * nothing of this step happened and the caller puts the original back. Returns warnings.
     */
    List<String> finish(Connection c, Swap s) throws SQLException {
        return finish(c, s, null);
    }

    /**
     * Step 3, keeping the replaced copy when {@code keep} is given: renamed {@code _replaced_<schema>_<hex>} and
     * recorded in {@code backup_replaced} until {@code keep.until()}, in the same transaction, instead of dropped.
     */
    List<String> finish(Connection c, Swap s, Keep keep) throws SQLException {
        c.setAutoCommit(false);
        String keptAs = null;
        try (Statement st = c.createStatement()) {
            List<String> warnings = Dependents.reattach(c, s.dependents());
            if (s.aside() != null) {
                List<String> left = Dependents.leftovers(c, s.aside());
                if (!left.isEmpty()) {
                    throw new SQLException("objects outside " + s.schema() + " depend on it and would be dropped with the"
                            + " replaced copy: " + String.join(", ", left.size() > 10 ? left.subList(0, 10) : left)
                            + (left.size() > 10 ? " and " + (left.size() - 10) + " more" : ""));
                }
                if (keep == null) {
                    st.execute("DROP SCHEMA " + Fleet.quote(s.aside()) + " CASCADE");
                } else {
                    String kept = keptName(s.aside());
                    List<String> keys = detachForeignKeys(c, s);
                    st.execute("ALTER SCHEMA " + Fleet.quote(s.aside()) + " RENAME TO " + Fleet.quote(kept));
                    recordKept(c, kept, s.schema(), keep, keys);
                    keptAs = kept;
                }
            }
            closeJournal(c, s.schema());
            c.commit();
            if (keptAs != null) {
                keep.kept().add(keptAs);
            }
            return warnings;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void recordKept(Connection c, String kept, String schema, Keep keep, List<String> keys) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + replaced
                + " (kept_name, schema_name, backup_id, task_id, keep_until, foreign_keys) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, kept);
            ps.setString(2, schema);
            ps.setString(3, keep.backupId());
            ps.setString(4, keep.taskId());
            ps.setObject(5, java.time.OffsetDateTime.ofInstant(keep.until(), java.time.ZoneOffset.UTC));
            ps.setArray(6, c.createArrayOf("text", keys.toArray()));
            ps.executeUpdate();
        }
    }

    /**
     * The source copy of a project moved to another cluster by a restore: renamed {@code _replaced_<schema>_<hex>} and
     * recorded in this cluster's {@code backup_replaced}, its foreign keys into other schemas dropped and recorded
     * (as for a replaced copy), in one transaction. Its data stays: rename it back to undo the move. Returns the name.
     */
    String keepMovedAway(Connection c, String schema, Keep keep) throws SQLException {
        ensureJournalQuietly(c);
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            String kept = keptName(asideName(schema));
            List<String> keys = detachForeignKeys(c, new Swap(schema, schema, null, List.of(), Dependents.Captured.NONE));
            st.execute("ALTER SCHEMA " + Fleet.quote(schema) + " RENAME TO " + Fleet.quote(kept));
            recordKept(c, kept, schema, keep, keys);
            c.commit();
            keep.kept().add(kept);
            return kept;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void ensureJournalQuietly(Connection c) throws SQLException {
        try {
            ensureJournal(c);
        } catch (IOException e) {
            throw new SQLException("cannot read db/tasknode/30-backup.sql: " + e.getMessage(), e);
        }
    }

    /**
     * Whether finishing {@code s} locks tables of other schemas: other schemas' keys or views hang on it, or its
     * aside copy has foreign keys into another schema (dropping them, with the copy or from a kept copy, locks the
     * referenced tables). {@code kept} does not change that; it is there for the callers' reading.
     */
    boolean touchesOthers(Connection c, Swap s, boolean kept) throws SQLException {
        if (!s.dependents().foreignKeys().isEmpty() || !s.dependents().views().isEmpty()) {
            return true;
        }
        if (s.aside() == null) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class r"
                + " ON r.oid = k.confrelid WHERE k.contype = 'f' AND k.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?)"
                + " AND r.relnamespace <> k.connamespace)")) {
            ps.setString(1, s.aside());
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next() || rs.getBoolean(1);
            }
        }
    }

    /** Undo: drop the partial new schema, rename the original back. */
    void putBack(Connection c, String schema, String aside) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            terminateRestores(c, schema);
            boolean asideThere = aside != null && SchemaCatalog.exists(c, aside);
            if (aside == null || asideThere) {
                st.execute("DROP SCHEMA IF EXISTS " + Fleet.quote(schema) + " CASCADE");
            }
            if (asideThere) {
                st.execute("ALTER SCHEMA " + Fleet.quote(aside) + " RENAME TO " + Fleet.quote(schema));
            }
            closeJournal(c, schema);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Start-up repair (and before each restore, for its schemas): every journal row is a restore that was cut off;
     * roll it back. Schemas whose advisory lock is taken belong to a restore still running elsewhere and are left
     * alone. Returns the repaired schemas.
     */
    public List<String> repair(Connection c, List<String> only) throws SQLException, IOException {
        ensureJournal(c);
        List<String[]> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT schema_name, aside_name FROM " + journal + " ORDER BY started_at")) {
            while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        List<String> repaired = new ArrayList<>();
        for (String[] r : rows) {
            if (only != null && !only.contains(r[0])) {
                continue;
            }
            boolean locked = only == null && SchemaLocks.tryLock(c, r[0]);
            if (only == null && !locked) {
                continue;
            }
            try {
                LOG.warn("repairing restore of {} cut off mid-way: putting back {}", r[0], r[1] == null ? "(nothing: it did not exist)" : r[1]);
                putBack(c, r[0], r[1]);
                repaired.add(r[0]);
            } finally {
                if (locked) {
                    SchemaLocks.unlock(c, r[0]);
                }
            }
        }
        return repaired;
    }

    /** A pg_restore/psql orphaned by a killed node would go on writing into the schema: end it first. */
    private static void terminateRestores(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE split_part(application_name, ' #', 1) = ? AND datname = current_database() AND pid <> pg_backend_pid()")) {
            ps.setString(1, appName(schema));
            ps.execute();
        }
    }

    static String appName(String schema) {
        return "tn-restore:" + schema;
    }

    private void closeJournal(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + journal + " WHERE schema_name = ?")) {
            ps.setString(1, schema);
            ps.executeUpdate();
        }
    }

    /**
     * {@code _restore_<schema>_<6 hex>}, within PostgreSQL's 63-byte names and readable at 3 a.m. The leading
     * underscore keeps it from ever matching the project template (ids start with a letter or digit), so neither
     * a backup of everything, nor the schema engine, nor restore's "not in backup" report takes it for a project.
     */
    static String asideName(String schema) {
        String base = schema.length() > 46 ? schema.substring(0, 46) : schema;
        byte[] r = new byte[3];
        ThreadLocalRandom.current().nextBytes(r);
        return "_restore_" + base + "_" + HexFormat.of().formatHex(r);
    }

    /**
     * Drops the aside copy's foreign keys into other schemas: a kept copy must neither block deletes there (NO ACTION)
     * nor be re-attached when shared is restored. Returns the statements that re-create them once the copy is renamed
     * back to {@code s.schema()} (names qualified: {@code search_path = pg_catalog} while they are read).
     */
    private static List<String> detachForeignKeys(Connection c, Swap s) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL search_path = pg_catalog");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT format('ALTER TABLE %I.%I DROP CONSTRAINT %I', n.nspname,"
                + " t.relname, k.conname), format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', ?::text, t.relname, k.conname,"
                + " pg_get_constraintdef(k.oid)) FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace"
                + " JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid"
                + " WHERE k.contype = 'f' AND n.nspname = ? AND r.relnamespace <> k.connamespace ORDER BY t.relname, k.conname")) {
            ps.setString(1, s.schema());
            ps.setString(2, s.aside());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        List<String> readd = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (String[] r : rows) {
                st.execute(r[0]);
                readd.add(r[1]);
            }
            st.execute("SET LOCAL search_path TO DEFAULT");
        }
        return readd;
    }

    /** {@code _restore_<base>_<hex>} becomes {@code _replaced_<base>_<hex>} (at most 63 bytes: base is cut to 44). */
    static String keptName(String aside) {
        String rest = aside.substring("_restore_".length());
        String hex = rest.substring(rest.length() - 6);
        String base = rest.substring(0, rest.length() - 7);
        return "_replaced_" + (base.length() > 44 ? base.substring(0, 44) : base) + "_" + hex;
    }

    /** The restore journal table, quoted. */
    String journalTable() {
        return journal;
    }

    /** The table of kept replaced copies, quoted. */
    String replacedTable() {
        return replaced;
    }

    private static List<String> query(Connection c, String sql, String arg) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
