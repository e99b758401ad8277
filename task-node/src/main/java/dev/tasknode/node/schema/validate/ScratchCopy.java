package dev.tasknode.node.schema.validate;

import dev.tasknode.node.backup.BackupProperties;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.db.ScratchDatabases;
import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.CatalogInspector;
import dev.tasknode.node.schema.inspect.shadow.Unmanaged;
import dev.tasknode.node.schema.model.StatementKinds;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.task.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The scratch copy plan validation runs a change set on: the live extensions, then the structure of the shared
 * schema and of each group's representative, no data.
 *
 * <p>The copy is built from the schemas' catalogs (read again, with definitions rendered as statements): each
 * schema's statements from nothing (the Differ, as create_tables builds a new schema), run on the scratch database,
 * which is then inspected again. It is used only
 * when the copy's fingerprints are the live ones and the live schemas hold no object of a kind the engine does not
 * read (such an object, a rule say, can make a statement fail live, so the copy must have it). Otherwise the copy is
 * {@code pg_dump --schema-only} of the same schemas, restored: exact whatever the schemas hold, but pg_dump reads the
 * whole database's catalog first, which on a 10,000-schema server takes tens of seconds for two schemas.
 */
final class ScratchCopy {
    private static final Pattern CONCURRENTLY = Pattern.compile(
            "(?i)^(\\s*(?:CREATE\\s+(?:UNIQUE\\s+)?INDEX|DROP\\s+INDEX|REFRESH\\s+MATERIALIZED\\s+VIEW|REINDEX\\s+INDEX))\\s+CONCURRENTLY\\b");

    private final SchemaEngine engine;

    ScratchCopy(SchemaEngine engine) {
        this.engine = engine;
    }

    /**
     * A statement as it runs on a copy: a concurrent form plainly (the copy holds neither data nor traffic, and
     * the concurrent forms refuse to run in a transaction). The statement's own keyword only: a comment may say it too.
     */
    static String inTransaction(String sql) {
        return CONCURRENTLY.matcher(sql).replaceFirst("$1");
    }

    /**
     * Copies the shared schema (when it exists live) and each representative of {@code groups} (when it exists) into
     * {@code db}; returns how, for the log.
     */
    String make(ScratchDatabases scratch, ScratchDatabases.Scratch db, TaskContext ctx, List<SchemaEngine.Group> groups,
                Map<SchemaEngine.Group, String> reps, String shared) throws Exception {
        Set<String> names = new LinkedHashSet<>(); // the shared schema first: the others may use its objects
        String why;
        try (Connection live = engine.dataSource().getConnection(); Statement ls = live.createStatement();
             Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = ls.executeQuery("SELECT 1 FROM pg_namespace WHERE nspname = " + Sql.literal(shared))) {
                if (rs.next()) {
                    names.add(shared);
                }
            }
            for (SchemaEngine.Group g : groups) {
                if (g.sample().exists()) {
                    names.add(reps.get(g));
                }
            }
            try (ResultSet rs = ls.executeQuery("SELECT e.extname, n.nspname, e.extversion FROM pg_extension e "
                    + "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'")) {
                while (rs.next()) {
                    // pg_dump -n carries no extension; one whose own schema is copied is left out (the copy creates that
                    // schema): objects using it then fail to restore, and every group is unplannable, saying so
                    if (!names.contains(rs.getString(2))) {
                        st.execute("CREATE SCHEMA IF NOT EXISTS " + CatalogInspector.quoteIdent(rs.getString(2)));
                        st.execute("CREATE EXTENSION IF NOT EXISTS " + CatalogInspector.quoteIdent(rs.getString(1))
                                + " WITH SCHEMA " + CatalogInspector.quoteIdent(rs.getString(2))
                                + " VERSION " + Sql.literal(rs.getString(3)));
                    }
                }
            }
            if (names.isEmpty()) {
                return "nothing to copy";
            }
            long t0 = System.nanoTime();
            try {
                why = fromCatalogs(live, c, List.copyOf(names), shared);
            } catch (RuntimeException e) {
                why = "building from the catalogs failed: " + e;
            }
            if (why == null) {
                return "built from the catalogs in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
            }
        }
        long t0 = System.nanoTime();
        dump(scratch, db, ctx, List.copyOf(names));
        return "copied with pg_dump in " + (System.nanoTime() - t0) / 1_000_000 + " ms (" + why + ")";
    }

    /**
     * Builds each schema from its catalog in one transaction and inspects the result; null when every copy has its
     * live fingerprint (committed), else why not (rolled back: the scratch database is as before).
     */
    private String fromCatalogs(Connection live, Connection c, List<String> names, String shared) throws SQLException {
        List<Unmanaged.Found> found = new ArrayList<>(Unmanaged.find(live, names, false));
        found.removeIf(f -> f.kind() == StatementKinds.Kind.OWNER); // the copy is owned by the node either way
        if (!found.isEmpty()) {
            Unmanaged.Found f = found.getFirst();
            return "the live schemas hold objects the catalog does not describe, such as " + f.kind().label() + " "
                    + f.object();
        }
        // read again with index definitions rendered as statements: the plan's catalogs hold them in the form diffs
        // compare (in the order given: the shared schema first)
        Map<String, Catalog.Schema> samples = CatalogInspector.inspect(live, names, shared, engine.desired().extensions(),
                CatalogInspector.Detail.RENDERED);
        c.setAutoCommit(false);
        boolean done = false;
        try (Statement st = c.createStatement()) {
            String why = build(st, samples, shared);
            if (why == null) {
                Map<String, Catalog.Schema> copies = CatalogInspector.inspect(c, names, shared,
                        engine.desired().extensions(), CatalogInspector.Detail.RENDERED);
                for (var e : samples.entrySet()) {
                    if (!e.getValue().fingerprint().equals(copies.get(e.getKey()).fingerprint())) {
                        why = "the copy of " + e.getKey() + " built from its catalog does not have its live fingerprint";
                        break;
                    }
                }
            }
            if (why == null) {
                c.commit();
                done = true;
            }
            return why;
        } finally {
            if (!done) {
                c.rollback(); // whatever stopped the build: the scratch database is as before, for pg_dump's copy
            }
            c.setAutoCommit(true);
        }
    }

    /** Each schema's statements from nothing, the shared schema first (the others may use its objects). */
    private String build(Statement st, Map<String, Catalog.Schema> samples, String shared) throws SQLException {
        long largeRows = engine.props().getLargeTableRows();
        for (var e : samples.entrySet()) {
            String name = e.getKey();
            st.execute("SET LOCAL search_path TO " + Sql.q(name) + ", public");
            for (Step s : Differ.plan(Catalog.absent(name), e.getValue(), largeRows).steps()) {
                String sql = inTransaction(Plan.bind(s.sql(), name, shared));
                try {
                    st.execute(sql);
                } catch (SQLException x) {
                    return "building " + name + " from its catalog failed: " + x.getMessage().replaceAll("\\s+", " ");
                }
            }
        }
        return null;
    }

    /** {@code pg_dump --schema-only} of {@code schemas}, restored into {@code db}. */
    private void dump(ScratchDatabases scratch, ScratchDatabases.Scratch db, TaskContext ctx, List<String> schemas)
            throws Exception {
        PgTools pg = tools(scratch);
        Path file = Files.createTempFile("tn-validate-", ".sql");
        try {
            List<String> args = new ArrayList<>(List.of("--schema-only", "--no-owner", "--file=" + file));
            schemas.forEach(s -> args.add("--schema=\"" + s.replace("\"", "\"\"") + "\""));
            PgTools.Result r = pg.run(ctx, pg.command(pg.props().getPgDump(), pg.target().database(), args), "tn-validate", null, null);
            if (!r.ok()) {
                throw new IllegalStateException("pg_dump failed: " + r.tail());
            }
            r = pg.run(ctx, pg.command(pg.props().getPsql(), db.name(), List.of("-X", "-q", "-v", "ON_ERROR_STOP=1",
                    "--single-transaction", "-f", file.toString())), "tn-validate", null, null);
            if (!r.ok()) {
                throw new IllegalStateException("the schema dump does not restore: " + r.tail());
            }
        } finally {
            Files.deleteIfExists(file);
        }
        restoreInvalidIndexes(db, schemas);
    }

    /**
     * pg_dump leaves out invalid indexes (a concurrent build that did not finish). The plan was made from the live
     * catalog, where such an index counts as present (its definition matches, the online stage rebuilds it), so the
     * copy gets them back, valid: its statements then meet the same objects as live. (A copy built from the catalogs
     * has them already.)
     */
    private void restoreInvalidIndexes(ScratchDatabases.Scratch db, List<String> schemas) throws SQLException {
        List<String> defs = new ArrayList<>();
        try (Connection live = engine.dataSource().getConnection(); PreparedStatement ps = live.prepareStatement(
                "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                        + "JOIN pg_namespace n ON n.oid = i.relnamespace "
                        + "WHERE NOT x.indisvalid AND i.relkind = 'i' AND n.nspname = ANY (?)")) {
            ps.setArray(1, live.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    defs.add(rs.getString(1).replaceFirst("INDEX ", "INDEX IF NOT EXISTS "));
                }
            }
        }
        if (defs.isEmpty()) {
            return;
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String d : defs) {
                st.execute(d);
            }
        }
    }

    /** The node's PgTools (configured tool paths), else one with the default tools for the pool's server. */
    private PgTools tools(ScratchDatabases scratch) {
        PgTools pg = engine.pgTools();
        return pg != null ? pg : new PgTools(new BackupProperties(),
                PgTools.Target.fromJdbc(scratch.url(), scratch.user(), scratch.password()));
    }
}
