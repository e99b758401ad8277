package dev.tasknode.node.schema.validate;

import dev.tasknode.node.backup.BackupProperties;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.db.ScratchDatabases;
import dev.tasknode.node.schema.SchemaEngine;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.diff.Differ;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.CatalogInspector;
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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Plan validation before live: each distinct change set runs first on a scratch copy of its state (the schema
 * structure only: {@code pg_dump --schema-only} of the shared schema and of one schema per group, restored into a
 * scratch database), and the copy is inspected again. When the statements fail there, or leave a difference from the
 * model other than the destructive statements left out, the group is {@code unplannable}: none of its schemas is
 * touched, and the reason names what is left. One dump, one restore and one run per group, whatever the fleet's
 * size. The shared group runs first (project change sets may need its new objects); when it is unplannable, the
 * projects are validated against the shared schema as it stays live.
 */
public final class PlanValidator {
    /** Scratch copies hold no data and no traffic: the concurrent forms would only refuse to run in a transaction. */
    private static final Pattern CONCURRENTLY = Pattern.compile(
            "(?i)^(\\s*(?:CREATE\\s+(?:UNIQUE\\s+)?INDEX|DROP\\s+INDEX|REFRESH\\s+MATERIALIZED\\s+VIEW))\\s+CONCURRENTLY\\b");

    private final SchemaEngine engine;

    public PlanValidator(SchemaEngine engine) {
        this.engine = engine;
    }

    /**
     * Validates the change sets of {@code work} (schema → its group). Returns the schemas that must not be touched,
     * each with the reason (the same for every schema of a group).
     */
    public Map<String, String> unplannable(TaskContext ctx, List<String> work, Map<String, SchemaEngine.Group> groups,
                                           FleetApplier.Options o) throws Exception {
        boolean allowDestructive = o.allowDestructive();
        boolean onlyCreates = o.onlyCreates();
        if (work.isEmpty()) {
            return Map.of();
        }
        String shared = engine.fleet().sharedSchema();
        Map<SchemaEngine.Group, String> reasons = new IdentityHashMap<>();
        if (work.contains(shared)) {
            // cheap and read from the live catalogs, so it runs even when validation is off: never a shared apply
            // that fails at a project's view
            try (Connection live = engine.dataSource().getConnection()) {
                String why = SharedDependents.why(live, groups.get(shared).plan(), shared);
                if (why != null) {
                    reasons.put(groups.get(shared), why);
                }
            }
        }
        if (!engine.props().isValidatePlans()) {
            ctx.log().warn("plan validation is off (tasknode.schema.validate-plans=false): the change sets go live unvalidated");
            Map<String, String> out = reasons.isEmpty() ? Map.of() : Map.of(shared, reasons.values().iterator().next());
            record(ctx, o, out, groups, shared);
            return out;
        }
        long t0 = System.nanoTime();
        // one representative per distinct change set, the shared group first
        Map<SchemaEngine.Group, String> reps = new IdentityHashMap<>();
        List<SchemaEngine.Group> order = new ArrayList<>();
        for (String s : work.contains(shared) ? concat(shared, work) : work) {
            SchemaEngine.Group g = groups.get(s);
            if (!reps.containsKey(g)) {
                reps.put(g, s);
                order.add(g);
            }
        }
        ScratchDatabases scratch = ScratchDatabases.of(engine.dataSource());
        if (scratch == null) {
            order.forEach(g -> reasons.put(g, "plan validation impossible: the pool's connection settings cannot be read"));
        } else {
            try (ScratchDatabases.Scratch db = scratch.create()) {
                copy(ctx, scratch, db, order, reps, shared);
                try (Connection c = db.connect()) {
                    for (SchemaEngine.Group g : order) {
                        if (reasons.containsKey(g)) {
                            continue; // refused already: the projects run against the shared schema as it stays
                        }
                        String why = validate(c, g, reps.get(g), shared, allowDestructive, onlyCreates);
                        if (why != null) {
                            reasons.put(g, why);
                        }
                    }
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException || e instanceof java.util.concurrent.CancellationException) {
                    throw e;
                }
                String why = "plan validation failed on its scratch copy, nothing was changed: " + e.getMessage();
                order.forEach(g -> reasons.putIfAbsent(g, why));
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : work) {
            String why = reasons.get(groups.get(s));
            if (why != null) {
                out.put(s, why);
            }
        }
        ctx.log().info("plan validation: %d change set(s) run on a scratch copy in %d ms, %d unplannable", order.size(),
                (System.nanoTime() - t0) / 1_000_000, reasons.size());
        reasons.forEach((g, why) -> ctx.log().error("change set %s (%s, %d schema(s)) is unplannable: %s", g.fingerprint(),
                reps.get(g), g.schemas().size(), why));
        record(ctx, o, out, groups, shared);
        return out;
    }

    /** The live extensions, then the structure of the shared schema and of each representative, into the scratch. */
    private void copy(TaskContext ctx, ScratchDatabases scratch, ScratchDatabases.Scratch db, List<SchemaEngine.Group> order,
                      Map<SchemaEngine.Group, String> reps, String shared) throws Exception {
        List<String> dump = new ArrayList<>();
        try (Connection live = engine.dataSource().getConnection(); Statement ls = live.createStatement();
             Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = ls.executeQuery("SELECT 1 FROM pg_namespace WHERE nspname = '" + shared.replace("'", "''") + "'")) {
                if (rs.next()) {
                    dump.add(shared);
                }
            }
            for (SchemaEngine.Group g : order) {
                if (g.sample().exists() && !dump.contains(reps.get(g))) {
                    dump.add(reps.get(g));
                }
            }
            try (ResultSet rs = ls.executeQuery("SELECT e.extname, n.nspname, e.extversion FROM pg_extension e "
                    + "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'")) {
                while (rs.next()) {
                    // pg_dump -n carries no extension; one whose own schema is dumped is left out (the dump creates that
                    // schema): objects using it then fail to restore, and every group is unplannable, saying so
                    if (!dump.contains(rs.getString(2))) {
                        st.execute("CREATE SCHEMA IF NOT EXISTS " + CatalogInspector.quoteIdent(rs.getString(2)));
                        st.execute("CREATE EXTENSION IF NOT EXISTS " + CatalogInspector.quoteIdent(rs.getString(1))
                                + " WITH SCHEMA " + CatalogInspector.quoteIdent(rs.getString(2))
                                + " VERSION '" + rs.getString(3).replace("'", "''") + "'");
                    }
                }
            }
        }
        if (dump.isEmpty()) {
            return;
        }
        PgTools pg = tools(scratch);
        Path file = Files.createTempFile("tn-validate-", ".sql");
        try {
            List<String> args = new ArrayList<>(List.of("--schema-only", "--no-owner", "--file=" + file));
            dump.forEach(s -> args.add("--schema=\"" + s.replace("\"", "\"\"") + "\""));
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
        restoreInvalidIndexes(db, dump);
    }

    /**
     * pg_dump leaves out invalid indexes (a concurrent build that did not finish). The plan was made from the live
     * catalog, where such an index counts as present (its definition matches, the online stage rebuilds it), so the
     * copy gets them back, valid: its statements then meet the same objects as live.
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

    /**
     * Runs one change set on the copy of its representative; null when it reaches the model, else why not. The whole
     * set (destructive statements too) must reach the model exactly; when destructive statements are left out live,
     * the statements that do run must run on their own as well (live order, no error). The shared schema is left in
     * the state live will have, for the project sets after it.
     */
    private String validate(Connection c, SchemaEngine.Group g, String rep, String shared, boolean allowDestructive,
                            boolean onlyCreates) throws SQLException {
        List<Step> all = g.plan().steps();
        List<Step> live = all.stream().filter(s -> allowDestructive || s.safety() != Step.Safety.DESTRUCTIVE).toList();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            // as apply runs them (SchemaRunner): a LANGUAGE sql body's unqualified names are checked at creation
            st.execute("SET LOCAL search_path TO " + Sql.q(rep) + ", public");
            st.execute("SAVEPOINT before_set");
            String why = live.size() < all.size() ? run(st, live, rep, shared) : null;
            if (why == null) {
                if (live.size() < all.size()) {
                    st.execute("ROLLBACK TO SAVEPOINT before_set");
                }
                why = run(st, all, rep, shared);
            }
            if (why == null) {
                Catalog.Schema after = CatalogInspector.inspect(c, List.of(rep), shared, engine.desired().extensions()).get(rep);
                Plan left = Differ.plan(after, engine.desiredFor(g.kind()), engine.props().getLargeTableRows());
                if (onlyCreates) {
                    left = left.onlyCreates();
                }
                if (!left.isEmpty()) {
                    why = "after its " + all.size() + " statement(s) a scratch copy of " + rep
                            + " still differs from the model:\n" + left.script();
                }
            }
            if (why != null) {
                c.rollback();
                return why;
            }
            if (live.size() < all.size() && rep.equals(shared)) {
                st.execute("ROLLBACK TO SAVEPOINT before_set");
                run(st, live, rep, shared);
            }
            c.commit(); // the shared schema's new state is what the project change sets run against
            return null;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Runs statements; the first failure says why (the caller then rolls the transaction back). */
    private static String run(Statement st, List<Step> steps, String rep, String shared) throws SQLException {
        int n = 0;
        for (Step s : steps) {
            n++;
            // the statement's own keyword only: a comment's text may say CONCURRENTLY too
            String sql = CONCURRENTLY.matcher(Plan.bind(s.sql(), rep, shared)).replaceFirst("$1");
            try {
                st.execute(sql);
            } catch (SQLException e) {
                return "statement " + n + " fails on a scratch copy of " + rep + ": " + e.getMessage().replaceAll("\\s+", " ")
                        + " — in: " + s.sql();
            }
        }
        return null;
    }

    /** One history row per untouched schema, so schema_status shows it failed (nothing ran: nothing to roll back). */
    private void record(TaskContext ctx, FleetApplier.Options o, Map<String, String> out, Map<String, SchemaEngine.Group> groups,
                        String shared) throws SQLException {
        if (out.isEmpty()) {
            return;
        }
        try (Connection c = engine.dataSource().getConnection()) {
            for (var e : out.entrySet()) {
                SchemaEngine.Group g = groups.get(e.getKey());
                List<String> sql = g.plan().steps().stream().map(s -> Plan.bind(s.sql(), e.getKey(), shared)).toList();
                engine.history().insert(c, e.getKey(), ctx.taskId(), o.task(), "unplannable", sql, List.of(), g.fingerprint(),
                        e.getValue());
            }
        }
    }

    /** The node's PgTools (configured tool paths), else one with the default tools for the pool's server. */
    private PgTools tools(ScratchDatabases scratch) {
        PgTools pg = engine.pgTools();
        return pg != null ? pg : new PgTools(new BackupProperties(),
                PgTools.Target.fromJdbc(scratch.url(), scratch.user(), scratch.password()));
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> out = new ArrayList<>(rest.size() + 1);
        out.add(first);
        out.addAll(rest);
        return out;
    }
}
