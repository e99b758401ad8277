package dev.tasknode.node.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throwaway databases on the platform's server, for work that must not see (or touch) the live schemas: the model's
 * shadow normalisation and plan validation. Each is created from template0 with the live database's encoding and
 * locale (collation rules change how PostgreSQL renders and compares), and dropped afterwards — in the background,
 * since a DROP DATABASE waits for a checkpoint. Names carry the creation time ({@code tn_scratch_<epoch>_<tag>}):
 * one left by a killed node is dropped by a sweep that the next {@link #create} starts in the background, once
 * nobody is connected to it. Several nodes on one server sweep at once: each leftover is first claimed by a rename
 * (exactly one claimer succeeds, the others move on at once), so no start-up ever queues behind another node's
 * drop and its checkpoint.
 */
public final class ScratchDatabases {
    private static final Logger log = LoggerFactory.getLogger(ScratchDatabases.class);
    public static final String PREFIX = "tn_scratch_";
    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^?]*)(.*)$");
    /** A leftover must be this old (seconds) besides having no connection: a new one is connected to at once. */
    private static final long LEFTOVER_AGE = 60;
    /** One background sweep per process at a time. */
    private static final AtomicBoolean SWEEPING = new AtomicBoolean();

    private final DataSource admin;
    private final String url;
    private final String user;
    private final String password;

    private ScratchDatabases(DataSource admin, String url, String user, String password) {
        this.admin = admin;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * For the node's pool; null when its connection settings cannot be read (not Hikari with a jdbcUrl): the caller
     * then says so and works without a scratch database.
     */
    public static ScratchDatabases of(DataSource ds) {
        try {
            if (ds.isWrapperFor(HikariDataSource.class)) {
                HikariDataSource h = ds.unwrap(HikariDataSource.class);
                if (h.getJdbcUrl() != null && URL.matcher(h.getJdbcUrl()).matches()) {
                    return new ScratchDatabases(ds, h.getJdbcUrl(), h.getUsername(), h.getPassword());
                }
            }
        } catch (SQLException e) {
            log.debug("cannot read the pool's connection settings", e);
        }
        return null;
    }

    /** The JDBC URL of database {@code db}: the pool's URL (host, port, options) with the database replaced. */
    public String urlFor(String db) {
        Matcher m = URL.matcher(url);
        m.matches();
        return m.group(1) + db + m.group(3);
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password == null ? "" : password;
    }

    /** One scratch database: connect to it; close() drops it (in the background). */
    public final class Scratch implements AutoCloseable {
        private final String name;

        private Scratch(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(urlFor(name), user, password());
        }

        /** Drops the database on a daemon thread; a failed drop is logged and retried by the next create. */
        @Override
        public void close() {
            Thread.ofPlatform().daemon().name("scratch-drop").start(() -> drop(name));
        }

        /** Drops it now (tests, and callers that must know it is gone). */
        public void dropNow() {
            drop(name);
        }
    }

    /** Creates a scratch database like the live one; leftovers of killed nodes are swept in the background. */
    public Scratch create() throws SQLException {
        if (SWEEPING.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("scratch-sweep").start(() -> {
                try {
                    dropLeftovers();
                } finally {
                    SWEEPING.set(false);
                }
            });
        }
        String name = PREFIX + (System.currentTimeMillis() / 1000) + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String like;
        try (Connection c = admin.getConnection()) {
            like = likeLive(c);
        }
        try (Connection c = outside(); Statement st = c.createStatement()) { // no snapshot held in the live database
            st.execute("CREATE DATABASE " + name + " TEMPLATE template0" + like);
        }
        return new Scratch(name);
    }

    /** ENCODING, LC_COLLATE, LC_CTYPE and the locale provider of the current database (read version-proof). */
    private static String likeLive(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, j->>'datlocprovider',
                       coalesce(j->>'daticulocale', j->>'datlocale')
                FROM pg_database d, to_jsonb(d) j WHERE d.datname = current_database()""")) {
            rs.next();
            StringBuilder b = new StringBuilder(" ENCODING " + literal(rs.getString(1)) + " LC_COLLATE " + literal(rs.getString(2))
                    + " LC_CTYPE " + literal(rs.getString(3)));
            String provider = rs.getString(4);
            String locale = rs.getString(5);
            if ("i".equals(provider) && locale != null) {
                b.append(" LOCALE_PROVIDER icu ICU_LOCALE ").append(literal(locale));
            } else if ("b".equals(provider) && locale != null) {
                b.append(" LOCALE_PROVIDER builtin BUILTIN_LOCALE ").append(literal(locale));
            }
            return b.toString();
        }
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** Scratch databases of killed nodes: older than a minute, nobody connected. Returns the names dropped. */
    public List<String> dropLeftovers() {
        List<String> dropped = new ArrayList<>();
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT d.datname FROM pg_database d
                WHERE d.datname LIKE 'tn\\_scratch\\_%' AND d.datname ~ '^tn_scratch_[0-9]+_'
                  AND split_part(d.datname, '_', 3)::bigint < extract(epoch FROM now())::bigint - ?
                  AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)""")) {
            ps.setLong(1, LEFTOVER_AGE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dropped.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            log.warn("cannot list leftover scratch databases: {}", e.getMessage());
            return dropped;
        }
        List<String> claimed = new ArrayList<>();
        for (String name : dropped) {
            // epoch 0 in the new name: still a leftover to the next sweep if this drop fails
            String mine = PREFIX + "0_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
            if (rename(name, mine)) {
                log.info("dropping leftover scratch database {} (its node stopped before dropping it)", name);
                drop(mine);
                claimed.add(name);
            }
        }
        return claimed;
    }

    /**
     * A connection for DROP and RENAME of a scratch database, to the server's maintenance database {@code postgres}
     * when it can be reached, else to the live one. Not the live database: a DROP DATABASE waits for a checkpoint
     * (seconds on a busy server) holding a snapshot, and a CREATE INDEX CONCURRENTLY in the live database waits for
     * every older snapshot there: apply's online index builds ran into their lock timeout behind the drop of the
     * scratch copy that had just validated them.
     */
    private Connection outside() throws SQLException {
        try {
            return DriverManager.getConnection(urlFor("postgres"), user, password());
        } catch (SQLException e) {
            log.debug("maintenance database postgres not reachable ({}), dropping from the live database", e.getMessage());
            return DriverManager.getConnection(url, user, password());
        }
    }

    /** False when another sweeper renamed or dropped it first, or somebody connected to it meanwhile. */
    private boolean rename(String from, String to) {
        try (Connection c = outside(); Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = '500ms'");
            st.execute("ALTER DATABASE " + from + " RENAME TO " + to);
            return true;
        } catch (SQLException e) {
            log.debug("leftover scratch database {} not claimed: {}", from, e.getMessage());
            return false;
        }
    }

    /** On a connection of its own: a background drop outlives a pool that is closing (tests, shutdown). */
    private void drop(String name) {
        try (Connection c = outside(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            log.warn("cannot drop scratch database {} (the next start-up retries): {}", name, e.getMessage());
        }
    }
}
