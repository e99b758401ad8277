package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.db.SchemaProperties;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelLoader;
import dev.tasknode.node.schema.model.ModelSet;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Meta;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fleet benchmark of issues 4 and 10: 1,000 project schemas × 21 tables (the sample model, with its functions
 * and triggers) plus, per project, row-level security with a policy and grants to an application role
 * ({@link #GUARDS}), and the shared schema, in this class's own database. Timed parts run 3 times; medians are reported. Run with
 * {@code ./mvnw -B -Pbench -pl task-node -am verify -Dtest=SchemaFleetBenchmark} (the bench profile caps the heap at
 * 512 MB, so finishing at all proves the heap goal; the peak is measured too). Writes
 * task-node/target/benchmarks/schema.json.
 */
@Tag("benchmark")
class SchemaFleetBenchmark {
    static final int PROJECTS = Integer.getInteger("bench.projects", 1000);
    static final int NEW_PROJECTS = 100;
    static final int REPEATS = 3;
    /** Proposes with nothing to change: more than 3 narrow the median on a noisy machine. */
    static final int PROPOSE_REPEATS = Integer.getInteger("bench.proposeRepeats", REPEATS);
    /** Apply rounds (each with its propose): at 10,000 projects one round is minutes, so a run may take fewer. */
    static final int APPLY_ROUNDS = Integer.getInteger("bench.applyRounds", REPEATS);
    static final int JOOQ_SAMPLE = 5;
    /** Catalog batches read at once (tasknode.schema.inspect-parallelism; the pool has 4 connections). */
    static final int INSPECT_PARALLELISM = Integer.getInteger("bench.inspectParallelism", new SchemaProperties().getInspectParallelism());
    /** Name prefix of the databases (and the template) this benchmark creates. */
    static final String PREFIX = System.getProperty("bench.prefix", "schema_bench");
    /** Keep the built fleet as a template database and clone it on later runs ({@link FleetTemplate}). */
    static final boolean TEMPLATE = Boolean.getBoolean("bench.template");
    /** jOOQ's meta() on a sample (minutes on a loaded machine) and create_tables for 100 more projects: skippable. */
    static final boolean JOOQ = !"false".equals(System.getProperty("bench.jooq"));
    /** Run on the template itself (no copy: see {@link FleetTemplate}); create_tables' part is left out then. */
    static final boolean IN_PLACE = TEMPLATE && Boolean.getBoolean("bench.inPlace");
    static final boolean CREATE = !IN_PLACE && !"false".equals(System.getProperty("bench.create"));
    /**
     * The application role the guards grant to: roles are cluster-wide, so created here and dropped after, unless a
     * template keeps grants to it (PostgreSQL then refuses the drop, and the template needs the same role).
     */
    static final String ROLE = System.getProperty("bench.role", "tn_bench_app");

    /**
     * What a platform adds to every project schema (issue 10 item 9): RLS on the tasks table with a policy for the
     * application role, grants to it, and a function. {@code round} changes the policy and the function, so an apply
     * round touches a table, a function and a policy.
     */
    static String guards(int round) {
        return "ALTER TABLE {schema}.tasks ENABLE ROW LEVEL SECURITY;\n"
                + "CREATE POLICY tasks_visible ON {schema}.tasks FOR ALL TO " + ROLE
                + " USING (deleted_at IS NULL OR priority > " + round + ");\n"
                + "GRANT USAGE ON SCHEMA {schema} TO " + ROLE + ";\n"
                + "GRANT SELECT, INSERT, UPDATE ON {schema}.tasks, {schema}.comments, {schema}.boards TO " + ROLE + ";\n"
                + "GRANT SELECT ON {schema}.members TO " + ROLE + ";\n"
                + "CREATE FUNCTION {schema}.model_round() RETURNS integer LANGUAGE sql IMMUTABLE RETURN " + round + ";\n"
                + "GRANT EXECUTE ON FUNCTION {schema}.model_round() TO " + ROLE + ";\n";
    }

    @Test
    void fleet() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (SchemaTestDb admin = new SchemaTestDb(PREFIX + "_roles")) {
            admin.exec("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN CREATE ROLE "
                    + ROLE + " NOLOGIN; END IF; END$$");
            try {
                fleet(out);
            } finally {
                if (!TEMPLATE) {
                    dev.tasknode.testing.TestEndpoints.awaitDatabaseDrops(); // fleet()'s database is dropped in the background
                    admin.exec("DROP ROLE IF EXISTS " + ROLE); // after fleet()'s database is gone, with its grants
                }
                print(out); // what was measured before a failure too
            }
        }
        Path file = Path.of(PROJECTS == 1000 ? "target/benchmarks/schema.json" : "target/benchmarks/schema-" + PROJECTS + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    void fleet(Map<String, Object> out) throws Exception {
        ModelSet sample = ModelLoader.fromClasspath("db/model");
        ModelSet base = withProjectFile(sample, "project/80-guards.sql", guards(0));
        SchemaTestDb db;
        if (TEMPLATE) {
            FleetTemplate tpl = new FleetTemplate(PREFIX, base.digest(), PROJECTS);
            out.put("template", tpl.name);
            if (!tpl.ready()) {
                try (SchemaTestDb b = tpl.building()) {
                    build(b, base, out);
                }
                tpl.seal();
            }
            long t = System.nanoTime();
            db = IN_PLACE ? tpl.inPlace(PREFIX, APPLY_ROUNDS > 0) : tpl.copy(PREFIX);
            out.put(IN_PLACE ? "fleet_in_place" : "fleet_clone_s", IN_PLACE ? true : secs(t));
            try (db) {
                measure(db, sample, base, out);
                if (IN_PLACE) {
                    revert(db, base, out);
                    tpl.seal();
                }
            }
        } else {
            db = new SchemaTestDb(PREFIX);
            build(db, base, out);
            try (db) {
                measure(db, sample, base, out);
            }
        }
    }

    /** Back to the template's model (the rounds' columns and indexes dropped), so the template stays what it says. */
    static void revert(SchemaTestDb db, ModelSet base, Map<String, Object> out) throws Exception {
        SchemaTestDb.Wiring w = db.wire(base);
        long t = System.nanoTime();
        Results.ApplyReport r = w.applier().run(new SchemaTestDb.Ctx("apply_migrations", Map.of()), Scope.ALL,
                new FleetApplier.Options("apply_migrations", true, false, false, null, false));
        assertEquals(0, r.failed(), () -> r.outcomes().stream().filter(o -> o.error() != null).findFirst().toString());
        assertTrue(r.allMatchModel());
        assertEquals(0, w.reports().propose(Scope.ALL).proposal().toChange());
        out.put("revert_to_template_s", secs(t));
    }

    /** Builds the fleet with the engine's create_tables: the shared schema, then every project. */
    static void build(SchemaTestDb db, ModelSet base, Map<String, Object> out) throws Exception {
        configure(db);
        SchemaTestDb.Wiring w = db.wire(base);
        long t0 = System.nanoTime();
        run(w, "create_tables", Scope.SHARED, true);
        db.exec("INSERT INTO shared.users (email) VALUES ('bench@example.org');"
                + "INSERT INTO shared.projects (id, name, owner_id) SELECT g, 'p' || g, 1 FROM generate_series(1, " + PROJECTS + ") g");
        Results.ApplyReport built = run(w, "create_tables", Scope.ALL, true);
        assertEquals(PROJECTS, built.changed());
        out.put("fleet_build_s", secs(t0));
    }

    static void configure(SchemaTestDb db) {
        db.props.setParallelism(3); // + the coordinating connection = the pool's 4
        db.props.setInspectParallelism(INSPECT_PARALLELISM);
        db.props.setProjectIdsQuery("SELECT id::text FROM {shared}.projects");
    }

    void measure(SchemaTestDb db, ModelSet sample, ModelSet base, Map<String, Object> out) throws Exception {
        {
            configure(db);
            SchemaTestDb.Wiring w = db.wire(base);
            w.engine().afterPropertiesSet(); // as a node does at start-up: the model normalised in its shadow
            resetPeaks();
            out.put("projects", PROJECTS);
            out.put("tables_per_project", db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'p_1'"));
            out.put("pg_class_rows", db.count("SELECT count(*) FROM pg_class"));
            out.put("policies", db.count("SELECT count(*) FROM pg_policy"));
            out.put("functions_in_projects", db.count("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname LIKE 'p\\_%'"));
            out.put("triggers_in_projects", db.count("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname LIKE 'p\\_%'"));
            out.put("database_size_mb", db.count("SELECT pg_database_size(current_database()) / 1048576"));
            out.put("max_locks_per_transaction", db.exec1("SHOW max_locks_per_transaction"));
            out.put("inspect_parallelism", INSPECT_PARALLELISM);
            // propose over the fleet
            List<Double> propose = new ArrayList<>();
            List<Double> nodeCpu = new ArrayList<>();
            List<Double> serverCpu = new ArrayList<>();
            for (int i = 0; i < PROPOSE_REPEATS; i++) {
                long t = System.nanoTime();
                CpuMeter cpu = new CpuMeter();
                Results.Proposal p = w.reports().propose(Scope.ALL).proposal();
                propose.add(secs(t));
                double[] used = cpu.since();
                nodeCpu.add(used[0]);
                serverCpu.add(used[1]);
                progress("propose (nothing to change)", propose);
                System.out.printf("bench propose CPU: node %s s, server %s s%n", nodeCpu, serverCpu);
                assertEquals(0, p.toChange());
                assertEquals(PROJECTS + 1, p.schemas());
            }
            // jOOQ's DSLContext.meta() on a sample, same run
            List<Double> jooqPerSchema = new ArrayList<>();
            if (JOOQ) try (Connection c = db.ds.getConnection()) {
                DSLContext ctx = DSL.using(c, SQLDialect.POSTGRES);
                for (int i = 0; i < REPEATS; i++) {
                    long t = System.nanoTime();
                    for (int s = 1; s <= JOOQ_SAMPLE; s++) {
                        String name = "p_" + (s * 97 % PROJECTS + 1);
                        Meta meta = ctx.meta().filterSchemas(x -> x.getName().equals(name));
                        int n = 0;
                        for (Table<?> tb : meta.getTables()) {
                            n += tb.fields().length + tb.getKeys().size() + tb.getReferences().size() + tb.getIndexes().size()
                                    + tb.getChecks().size();
                        }
                        assertTrue(n > 0);
                    }
                    jooqPerSchema.add(secs(t) / JOOQ_SAMPLE);
                }
            }
            double proposeMedian = median(propose);
            out.put("propose_s", propose);
            out.put("propose_median_s", proposeMedian);
            out.put("propose_node_cpu_s", nodeCpu); // CPU seconds: steadier than wall time on a shared machine
            out.put("propose_server_cpu_s", serverCpu);
            out.put("propose_cpu_median_s", median(java.util.stream.IntStream.range(0, nodeCpu.size())
                    .mapToObj(i -> nodeCpu.get(i) + serverCpu.get(i)).toList()));
            if (JOOQ) {
                double jooqFleet = median(jooqPerSchema) * (PROJECTS + 1);
                out.put("jooq_meta_per_schema_s", median(jooqPerSchema));
                out.put("jooq_meta_fleet_extrapolated_s", jooqFleet);
                out.put("jooq_over_propose_ratio", jooqFleet / proposeMedian);
            }

            // apply: a column and an index on two tables, a function body and a policy of every project, three rounds
            List<Double> apply = new ArrayList<>();
            List<Double> proposeChange = new ArrayList<>();
            List<Double> startup = new ArrayList<>();
            List<Map<String, Double>> applySplits = new ArrayList<>();
            for (int k = 1; k <= APPLY_ROUNDS; k++) {
                SchemaTestDb.Wiring wk = db.wire(withBenchColumns(withProjectFile(sample, "project/80-guards.sql", guards(k)), k));
                // a node with the new model: its start-up normalises the model, before any task (timed apart)
                long ts = System.nanoTime();
                wk.engine().afterPropertiesSet();
                startup.add(secs(ts));
                long tp = System.nanoTime();
                Results.Proposal p = wk.reports().propose(Scope.ALL).proposal();
                proposeChange.add(secs(tp));
                progress("propose (round " + k + ")", proposeChange);
                assertEquals(PROJECTS, p.toChange(), "round " + k);
                long t = System.nanoTime();
                SchemaTestDb.Ctx ctx = new SchemaTestDb.Ctx("apply_migrations", Map.of());
                Results.ApplyReport r = run(wk, ctx, "apply_migrations", Scope.ALL, false);
                apply.add(secs(t));
                progress("apply (round " + k + ")", apply);
                double[] split = applySplit(ctx); // where the apply's time went: its log says
                applySplits.add(Map.of("planned_s", split[0], "locked_s", split[1], "validated_s", split[2],
                        "run_s", split[3], "checked_s", split[4]));
                System.out.printf("bench apply (round %d): planned %.1f s, locked %.1f s, validated %.1f s, schemas run"
                        + " %.1f s, checked against the model %.1f s%n", k, split[0], split[1], split[2], split[3], split[4]);
                // how plan validation made its scratch copy (from the catalogs, or pg_dump and why)
                String round = "bench apply (round " + k + "): ";
                ctx.lines.stream().filter(l -> l.contains("scratch copy for") || l.contains("plan validation:"))
                        .forEach(l -> System.out.println(round + l));
                assertEquals(PROJECTS, r.changed(), "round " + k);
                assertTrue(r.allMatchModel());
                w = wk;
            }
            out.put("model_startup_shadow_s", startup);
            out.put("propose_change_s", proposeChange);
            out.put("propose_change_median_s", median(proposeChange));
            out.put("apply_s", apply);
            out.put("apply_median_s", median(apply));
            out.put("apply_split", applySplits);

            // create_tables for 100 new projects, three rounds
            List<Double> create = new ArrayList<>();
            if (CREATE) {
            List<Double> createSchemaMs = new ArrayList<>(); // one project's transaction: DDL batch, history row, commit
            for (int k = 0; k < REPEATS; k++) {
                int from = PROJECTS + 1 + k * NEW_PROJECTS;
                db.exec("INSERT INTO shared.projects (id, name, owner_id) SELECT g, 'n' || g, 1 FROM generate_series("
                        + from + ", " + (from + NEW_PROJECTS - 1) + ") g");
                long t = System.nanoTime();
                Results.ApplyReport r = run(w, "create_tables", Scope.ALL, true);
                create.add(secs(t));
                assertEquals(NEW_PROJECTS, r.changed());
                r.outcomes().stream().filter(x -> x.outcome().equals("applied")).forEach(x -> createSchemaMs.add((double) x.millis()));
            }
            out.put("create_100_s", create);
            out.put("create_100_median_s", median(create));
            out.put("create_schema_ms_median", median(createSchemaMs));
            // the part of create_100 spent inside project transactions, if they ran perfectly in parallel; the rest
            // is planning, locking and the re-inspection afterwards
            out.put("create_100_in_transactions_s", createSchemaMs.stream().mapToDouble(Double::doubleValue).sum()
                    / REPEATS / 1000 / db.props.getParallelism());
            }
            long peak = peakHeap();
            out.put("heap_used_max_mb", HEAP_USED_MAX.get() / (1024 * 1024)); // sampled: what was in use at once
            out.put("heap_pools_peak_sum_mb", peak / (1024 * 1024)); // an upper bound: each pool's own peak, summed
            out.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }

    static Results.ApplyReport run(SchemaTestDb.Wiring w, String task, Scope scope, boolean creates) throws Exception {
        return run(w, new SchemaTestDb.Ctx(task, Map.of()), task, scope, creates);
    }

    static Results.ApplyReport run(SchemaTestDb.Wiring w, SchemaTestDb.Ctx ctx, String task, Scope scope, boolean creates)
            throws Exception {
        Results.ApplyReport r = w.applier().run(ctx, scope, new FleetApplier.Options(task, false, false, false, null, creates));
        assertEquals(0, r.failed(), () -> r.outcomes().stream().filter(o -> o.error() != null).findFirst().toString());
        return r;
    }

    static ModelSet withProjectFile(ModelSet base, String name, String sql) {
        List<ModelFile> project = new ArrayList<>(base.project());
        project.add(new ModelFile(ModelSet.Kind.PROJECT, name, "bench", sql));
        return new ModelSet(base.shared(), project);
    }

    static ModelSet withBenchColumns(ModelSet base, int rounds) {
        StringBuilder sb = new StringBuilder();
        for (int j = 1; j <= rounds; j++) {
            sb.append("ALTER TABLE {schema}.tasks ADD COLUMN bench_").append(j).append(" integer;\n")
                    .append("CREATE INDEX tasks_bench_").append(j).append("_idx ON {schema}.tasks (bench_").append(j).append(");\n")
                    .append("ALTER TABLE {schema}.comments ADD COLUMN bench_").append(j).append(" text;\n")
                    .append("CREATE INDEX comments_bench_").append(j).append("_idx ON {schema}.comments (bench_").append(j).append(");\n");
        }
        return withProjectFile(base, "project/90-bench.sql", sb.toString());
    }

    private static final java.util.regex.Pattern ROUND = java.util.regex.Pattern.compile("schema\\(s\\) locked in (\\d+) ms,"
            + " validated in (\\d+) ms, run in (\\d+) ms, checked against the model in (\\d+) ms");
    private static final java.util.regex.Pattern PLANNED = java.util.regex.Pattern.compile("\\(planned in (\\d+) ms\\)");

    /**
     * Where an apply's time went, from its log, in seconds: planning, then summed over its rounds of locks: locking,
     * re-planning and validating, running the schemas, checking them against the model.
     */
    static double[] applySplit(SchemaTestDb.Ctx ctx) {
        double[] split = new double[5];
        for (String line : ctx.lines) {
            java.util.regex.Matcher m = ROUND.matcher(line);
            if (m.find()) {
                for (int i = 1; i <= 4; i++) {
                    split[i] += Long.parseLong(m.group(i)) / 1000.0;
                }
            }
            m = PLANNED.matcher(line);
            if (m.find()) {
                split[0] += Long.parseLong(m.group(1)) / 1000.0;
            }
        }
        return split;
    }

    /** Each timing as it is taken, with the load average: a long run stopped half-way still tells what it measured. */
    static void progress(String what, List<Double> so) {
        System.out.printf("bench %s: %s s (load average %.1f)%n", what, so,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    static double secs(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }

    /** NaN when nothing was measured (no apply rounds, say): a run measures what it was asked and still finishes. */
    static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }

    static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        HEAP_USED_MAX.set(0);
        if (SAMPLER.compareAndSet(null, Thread.ofPlatform().daemon().name("heap-sampler").unstarted(() -> {
            while (true) { // the heap actually in use, every 20 ms (the pools' peaks are reached at different times)
                HEAP_USED_MAX.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }))) {
            SAMPLER.get().start();
        }
    }

    static final java.util.concurrent.atomic.AtomicLong HEAP_USED_MAX = new java.util.concurrent.atomic.AtomicLong();
    static final java.util.concurrent.atomic.AtomicReference<Thread> SAMPLER = new java.util.concurrent.atomic.AtomicReference<>();

    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    static void print(Map<String, Object> out) {
        System.out.println("\n=== schema engine benchmark ===");
        System.out.printf("%-34s %s%n", "metric", "value");
        out.forEach((k, v) -> System.out.printf("%-34s %s%n", k, v));
    }
}
