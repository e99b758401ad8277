package dev.tasknode.node.schema;

import dev.tasknode.testing.TestEndpoints;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A built benchmark fleet kept as a template database, so that a rerun clones it (seconds) instead of building it
 * again (about 10 minutes at 10,000 projects). The name carries the model digest and the fleet size, so a changed
 * model or size builds a new one. A template is complete only once it is marked {@code IS_TEMPLATE}: a build that
 * stopped half-way leaves an unmarked database, which the next run drops and builds again.
 *
 * <p>A copy costs about what its files number: CREATE DATABASE copies (and syncs) each relation's files one by one,
 * and the 10,000-project fleet has a million of them (9 GB), which took 18 minutes here. At that size run in place
 * instead ({@link #inPlace}): the benchmark then puts the fleet back to the template's model at the end.
 */
final class FleetTemplate {
    final String name;

    /** {@code <prefix>_fleet<size>_tpl_<digest>}, the size as {@code 10k} when it is whole thousands. */
    FleetTemplate(String prefix, String modelDigest, int projects) {
        String size = projects % 1000 == 0 ? projects / 1000 + "k" : String.valueOf(projects);
        this.name = (prefix + "_fleet" + size + "_tpl_" + modelDigest).toLowerCase(java.util.Locale.ROOT);
    }

    /** True when a complete template exists; an incomplete one (build interrupted) is dropped. */
    boolean ready() throws SQLException {
        try (Connection c = admin(); PreparedStatement ps = c.prepareStatement(
                "SELECT datistemplate FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                if (rs.getBoolean(1)) {
                    return true;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("DROP DATABASE " + name + " WITH (FORCE)");
            }
            return false;
        }
    }

    /** The (empty) database to build the fleet in; {@link #seal()} it when the build is complete. */
    SchemaTestDb building() throws SQLException {
        exec("CREATE DATABASE " + name);
        return new SchemaTestDb(name, "fleet-template", false); // kept: it becomes the template
    }

    /** Marks the built database as a complete template (no connection may be open to clone it). */
    void seal() throws SQLException {
        // the engine's wiring may still hold idle connections of its own (they would block CREATE DATABASE … TEMPLATE)
        exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "' AND pid <> pg_backend_pid()");
        exec("ALTER DATABASE " + name + " IS_TEMPLATE true");
    }

    /**
     * The template itself, for a run in place ({@code -Dbench.inPlace}). {@code changes}: unmarked while the run
     * changes it, so that a run that stops half-way leaves it to be rebuilt; {@link #seal()} it again once the run put
     * it back. A run that only reads (propose alone) leaves the mark: stopped half-way, it must not cost the next
     * run the template (at 10,000 projects, 25 minutes to build and 8 to drop).
     */
    SchemaTestDb inPlace(String prefix, boolean changes) throws SQLException {
        if (changes) {
            exec("ALTER DATABASE " + name + " IS_TEMPLATE false");
        }
        return new SchemaTestDb(name, prefix, false);
    }

    /**
     * A fresh copy for one run, dropped when closed. FILE_COPY copies the files after a checkpoint instead of
     * writing every block to the WAL (WAL_LOG, PostgreSQL 15's default), which for a multi-GB fleet is minutes.
     */
    SchemaTestDb copy(String prefix) throws SQLException {
        String db = TestEndpoints.uniqueName(prefix);
        exec("CREATE DATABASE " + db + " TEMPLATE " + name + " STRATEGY = FILE_COPY");
        return new SchemaTestDb(db, prefix, true);
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static Connection admin() throws SQLException {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        return DriverManager.getConnection(pg.adminUrl(), pg.user(), pg.password());
    }
}
