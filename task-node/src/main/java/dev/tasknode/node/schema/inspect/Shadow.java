package dev.tasknode.node.schema.inspect;

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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Normalizes the model through PostgreSQL: runs the model files in two throwaway schemas inside a transaction
 * that is always rolled back, and reads them back with {@link CatalogInspector}. Types, defaults, check
 * expressions and generated names then compare exactly with the live schemas. It is also PostgreSQL's
 * validation of the model: an error names the file and line.
 */
public final class Shadow {
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

    public static Desired normalize(Connection c, ModelSet model) throws SQLException {
        StatementKinds.check(model); // before anything runs: nothing the engine would not read back
        String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String sharedShadow = "tn_shadow_" + tag + "_s";
        String projectShadow = "tn_shadow_" + tag + "_p";
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
            Map<String, Catalog.Schema> got = CatalogInspector.inspect(c, List.of(sharedShadow, projectShadow),
                    sharedShadow, extensions, CatalogInspector.Detail.RENDERED);
            // stored twice: what the engine creates from these texts is what PostgreSQL keeps (see FixedPoint)
            FixedPoint.Pair settled = FixedPoint.settle(c, new FixedPoint.Pair(got.get(sharedShadow), got.get(projectShadow)),
                    extensions);
            return new Desired(settled.shared(), settled.project(), extensions);
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    private static void run(Statement st, List<ModelFile> files, String schema, String shared) throws SQLException {
        for (ModelFile f : files) {
            st.execute("SET LOCAL search_path TO " + schema + ", public");
            for (SqlScript.Statement s : f.statements()) {
                if (StatementKinds.classify(s.sql()) == StatementKinds.Kind.EXTENSION) {
                    continue; // created above, in public
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
