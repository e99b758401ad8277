package dev.tasknode.node.schema.inspect.shadow;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.CatalogInspector;
import dev.tasknode.node.schema.diff.FixedPoint;
import dev.tasknode.node.schema.model.ModelException;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.model.SqlScript;
import dev.tasknode.node.schema.model.StatementKinds;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import dev.tasknode.node.db.ScratchDatabases;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.postgresql.util.ServerErrorMessage;

/**
 * Normalizes the model through PostgreSQL: runs the model files in two shadow schemas and reads them back with
 * {@link CatalogInspector}. Types, defaults, check expressions and generated names then compare exactly with the
 * live schemas. It is also PostgreSQL's validation of the model: an error names the file and line.
 *
 * <p>The shadow lives in a scratch database ({@link ScratchDatabases}), so the outcome does not depend on what the
 * live database holds (a model naming a schema or object that exists live elsewhere normalizes the same on an empty
 * server) and the safety net can look at the whole database: anything the model created that the inspector does not
 * read ({@link Unmanaged}) is refused. Only when no scratch database can be created (no CREATEDB privilege) does the
 * shadow fall back to two throwaway schemas in the live database, in a transaction always rolled back — logged as
 * a warning, since that run is not isolated.
 */
public final class Shadow {
    private static final Logger log = LoggerFactory.getLogger(Shadow.class);
    public static final String SHARED_SHADOW = "tn_shadow_shared";
    public static final String PROJECT_SHADOW = "tn_shadow_project";

    private Shadow() {}

    /** The desired catalogs; their names are the shadow schemas' (names never enter a fingerprint). */
    public record Desired(Catalog.Schema shared, Catalog.Schema project, Set<String> extensions) {
        public String sharedFingerprint() {
            return shared.fingerprint();
        }

        public String projectFingerprint() {
            return project.fingerprint();
        }
    }

    /** In a scratch database on {@code ds}'s server; in the live database (not isolated) only when that is impossible. */
    public static Desired normalize(DataSource ds, ModelSet model) throws SQLException {
        StatementKinds.check(model); // before anything runs: nothing the engine would not read back
        ScratchDatabases scratch = ScratchDatabases.of(ds);
        ScratchDatabases.Scratch db = null;
        String why = "the pool's connection settings cannot be read";
        if (scratch != null) {
            try {
                db = scratch.create();
            } catch (SQLException e) {
                why = e.getMessage();
            }
        }
        if (db == null) {
            log.warn("no scratch database for the model's shadow ({}): normalising in the live database instead, "
                    + "where live schemas can change the outcome (grant CREATEDB to the node's user)", why);
            try (Connection c = ds.getConnection()) {
                return normalize(c, model);
            }
        }
        try (ScratchDatabases.Scratch d = db; Connection c = d.connect()) {
            return run(c, model, SHARED_SHADOW, PROJECT_SHADOW, true);
        }
    }

    /** In the live database behind {@code c}: random schema names, in a transaction that is always rolled back. */
    public static Desired normalize(Connection c, ModelSet model) throws SQLException {
        StatementKinds.check(model);
        String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        return run(c, model, "tn_shadow_" + tag + "_s", "tn_shadow_" + tag + "_p", false);
    }

    private static Desired run(Connection c, ModelSet model, String sharedShadow, String projectShadow, boolean isolated)
            throws SQLException {
        Set<String> extensions = model.extensions();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + sharedShadow);
            st.execute("CREATE SCHEMA " + projectShadow);
            for (String e : extensions) {
                // in public, as the engine creates them (see ObjectDiff.extensions)
                st.execute("CREATE EXTENSION IF NOT EXISTS \"" + e + "\" WITH SCHEMA public");
            }
            run(st, model.shared(), sharedShadow, sharedShadow);
            run(st, model.project(), projectShadow, sharedShadow);
            st.execute("SET LOCAL search_path TO DEFAULT");
            List<Unmanaged.Found> found = Unmanaged.find(c, List.of(sharedShadow, projectShadow), isolated);
            if (!found.isEmpty()) {
                throw new ModelException("the model creates " + found.size() + " object(s) the schema engine does not "
                        + "manage (nothing was changed; see docs/schema-engine.md, 'What a model may contain'):"
                        + Unmanaged.describe(found, Map.of(projectShadow, "{schema}", sharedShadow, "{shared}")));
            }
            Map<String, Catalog.Schema> got = CatalogInspector.inspect(c, List.of(sharedShadow, projectShadow),
                    sharedShadow, extensions, CatalogInspector.Detail.RENDERED);
            // stored twice: what the engine creates from these texts is what PostgreSQL keeps (see FixedPoint)
            FixedPoint.Pair settled = FixedPoint.settle(c, new FixedPoint.Pair(got.get(sharedShadow), got.get(projectShadow)),
                    extensions);
            // database-wide: pinned versions are the shared schema's (see ExtensionVersions)
            return new Desired(ExtensionVersions.pin(settled.shared(), ExtensionVersions.pinned(model)),
                    ExtensionVersions.pin(settled.project(), Map.of()), extensions);
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    private static void run(Statement st, List<ModelFile> files, String schema, String shared) throws SQLException {
        for (ModelFile f : files) {
            st.execute("SET LOCAL search_path TO " + schema + ", public");
            for (SqlScript.Statement s : f.statements()) {
                StatementKinds.Kind kind = StatementKinds.classify(s.sql());
                if (kind == StatementKinds.Kind.EXTENSION || kind == StatementKinds.Kind.EXTENSION_VERSION) {
                    continue; // created above, in public; a pinned version is compared, not installed here
                }
                String sql = ModelSet.bind(s.sql(), schema, shared);
                try {
                    st.execute(sql);
                } catch (SQLException e) {
                    throw new ModelException(f.name() + ":" + errorLine(s, sql, e) + ": PostgreSQL refuses the statement: "
                            + e.getMessage().replaceAll("\\s+", " ") + " — in: " + abbreviate(s.sql()), e);
                }
            }
        }
        st.execute("SET LOCAL search_path TO " + schema + ", public");
        StaleBodies.refresh(st, files, schema, shared); // SELECT * bodies a later statement outdated
    }

    /** The file line of PostgreSQL's error position, else the statement's first line. */
    private static int errorLine(SqlScript.Statement s, String bound, SQLException e) {
        if (e instanceof PSQLException p) {
            ServerErrorMessage m = p.getServerErrorMessage();
            if (m != null && m.getPosition() > 0 && m.getPosition() <= bound.length() + 1) {
                return s.line() + SqlScript.lineAt(bound, m.getPosition() - 1) - 1;
            }
        }
        return s.line();
    }

    private static String abbreviate(String sql) {
        String one = sql.replaceAll("\\s+", " ");
        return one.length() <= 120 ? one : one.substring(0, 117) + "...";
    }
}
