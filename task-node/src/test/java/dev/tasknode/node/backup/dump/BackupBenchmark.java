package dev.tasknode.node.backup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.RestoreSpec;
import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.backup.BackupFixture;
import dev.tasknode.node.backup.pg.PgTools;
import dev.tasknode.node.backup.store.BackupTestAccess;
import dev.tasknode.node.backup.store.Manifest;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.node.task.TaskOutcome;
import dev.tasknode.testing.TestEndpoints;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Backup and restore at fleet scale, beside PostgreSQL's own tools in the same run. Run:
 * {@code ./mvnw -B -Pbench -pl task-node -am verify -Dtest=BackupBenchmark}. System properties:
 * {@code bench.projects} (1000), {@code bench.tables} (20), {@code bench.bigMb} (1024), {@code bench.repeats} (3),
 * {@code bench.sample} (10 schemas for the per-schema pg_dump), {@code bench.workers} (0 = the default: one per
 * core), {@code bench.restoreAll} (false), {@code bench.fleet} (plain | fk), {@code bench.template}, {@code bench.pgUrl},
 * {@code bench.dbPrefix}, {@code bench.existing}, {@code bench.fleetLockAbove} (see the fields). {@code -Dbench.bigMb=0} skips the big schema (the fleet part alone takes a few minutes). Prints a table; writes
 * {@code target/benchmarks/backup.json}.
 */
@Tag("benchmark")
class BackupBenchmark {
    final int projects = Integer.getInteger("bench.projects", 1000);
    final int tables = Integer.getInteger("bench.tables", 20);
    final int bigMb = Integer.getInteger("bench.bigMb", 1024);
    final int repeats = Integer.getInteger("bench.repeats", 3);
    final int sample = Integer.getInteger("bench.sample", 10);
    final int workers = Integer.getInteger("bench.workers", 0);
    /** Also restore the whole fleet backup, once with one worker and once with the default (several minutes). */
    final boolean restoreAll = Boolean.getBoolean("bench.restoreAll");
    /** Runs of the batched restore of everything; 0 = one, and no per-schema baseline (it takes minutes). */
    final int repeatsAll = Integer.getInteger("bench.restoreAllRepeats", 1);
    /** The auto lock budget before 2026-11-24 on this server: 64 x 100 / 2 / 3 workers. */
    final int oldBudget = Integer.getInteger("bench.oldBudget", 1066);
    /** Also interleave the settings before 2026-11-24 (3 workers, budget 1,066, count(*)): {@code -Dbench.oldSettings=true}. */
    final boolean oldSettings = Boolean.getBoolean("bench.oldSettings");
    /**
     * {@code plain} (default): tables without foreign keys. {@code fk}: each project's tables carry
     * {@code tables - 1} foreign keys in a tree (t_j references t_{j/2}: t1 is the hub of a star, the rest chains,
     * ON DELETE CASCADE), each key column indexed — the shape of a real template.
     */
    final String shape = System.getProperty("bench.fleet", "plain");
    /** JDBC URL of the server's postgres database, to run against another cluster (e.g. tn2 on 5433); empty = the test server. */
    final String pgUrl = System.getProperty("bench.pgUrl", "");
    /** Prefix of the benchmark's database name. */
    final String dbPrefix = System.getProperty("bench.dbPrefix", "bk_bench");
    /**
     * A database to keep the built fleet in (e.g. {@code tn_b_tpl_fk}): built once when missing, then every run works
     * on a fresh copy of it (CREATE DATABASE … TEMPLATE), minutes faster. Drop it by hand when done. Empty = build
     * the fleet in the run's own database.
     */
    final String template = System.getProperty("bench.template", "");
    /**
     * An existing fleet database to back up in place (e.g. the schema benchmark's 10,000-project template,
     * {@code schema_bench_fleet10k_tpl_…}): {@code bench.repeats} backups of everything and one restore of
     * {@code p_1} with the default way back, whose kept copy is dropped after. Nothing else is built or run.
     */
    final String existing = System.getProperty("bench.existing", "");
    /** {@code bench.fleetLockAbove}: tasknode.backup.fleet-lock-above for the runs (a huge value = a lock per schema). */
    final int fleetLockAbove = Integer.getInteger("bench.fleetLockAbove", 1000);
    /**
     * {@code bench.lockBudget}: tasknode.backup.lock-budget for the runs (0 = from the lock table). A smaller budget
     * makes more, smaller archives: more pg_dump runs, a shorter table of contents for a restore of one project.
     */
    final int lockBudget = Integer.getInteger("bench.lockBudget", 0);
    final Map<String, Object> results = new LinkedHashMap<>();
    final List<String> table = new ArrayList<>();

    @Test
    void fleetAndBigSchema() throws Exception {
        TestEndpoints.Postgres server = BackupFixture.server(pgUrl);
        long t0 = System.nanoTime();
        if (!existing.isEmpty()) {
            try (BackupFixture f = BackupFixture.existing(server, existing)) {
                f.props.setWorkers(workers);
                f.props.setFleetLockAbove(fleetLockAbove);
                f.props.setLockBudget(lockBudget);
                existingFleet(f);
            }
            write();
            return;
        }
        if (!template.isEmpty()) {
            buildTemplate(server);
        }
        try (BackupFixture f = BackupFixture.on(server, dbPrefix, template.isEmpty() ? null : template)) {
            f.props.setWorkers(workers);
            if (template.isEmpty()) {
                createFleet(f::exec);
            }
            results.put("fleet", map("shape", shape, "projects", projects, "tables_per_project", tables, "rows_per_table", 5,
                    "foreign_keys_per_project", shape.equals("fk") ? tables - 1 : 0, "create_s", secs(System.nanoTime() - t0),
                    "server", f.serverNote()));
            table.add("fleet " + shape + ": " + projects + " x " + tables + " tables; server " + f.serverNote());
            fleet(f);
            big(f);
        }
        write();
    }

    private void write() throws Exception {
        Path out = Path.of(existing.isEmpty() ? "target/benchmarks/backup.json" : "target/benchmarks/backup-existing.json");
        Files.createDirectories(out.getParent());
        results.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(), "workers", workers == 0 ? "auto" : workers,
                "note", "shared 2-core VM, other builds running"));
        Files.write(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(results));
        System.out.println("\n=== Backup benchmark (medians of " + repeats + ") ===");
        table.forEach(System.out::println);
        System.out.println("JSON: " + out.toAbsolutePath());
    }

    /** {@code bench.existing}: backups of the whole fleet, then one project restored with its way back kept. */
    private void existingFleet(BackupFixture f) throws Exception {
        long schemas = f.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'p\\_%'");
        table.add("existing fleet " + existing + ": " + schemas + " project schemas, "
                + f.count("SELECT pg_database_size(current_database()) / 1048576") + " MB; server " + f.serverNote());
        List<Double> times = new ArrayList<>();
        Manifest last = null;
        for (int r = 0; r < repeats; r++) {
            if (last != null) {
                f.store.delete(last);
            }
            last = timeBackup(f, times);
        }
        double restore = timeRestore(f, last.id() + ":p_1", true);
        for (var copy : f.replaced.list()) { // the way back the restore kept, dropped: the fleet stays as it was
            f.replaced.drop(copy);
        }
        f.store.delete(last);
        results.put("existing", map("database", existing, "project_schemas", schemas, "backup_s", times,
                "backup_median_s", median(times), "archive_bytes", last.size(), "restore_one_s", restore, "lock_budget", lockBudget, "server", f.serverNote()));
        table.add(String.format("backup_database all: %s s (median %.2f s), %d bytes; restore_database p_1 (default way back): %.2f s",
                times, median(times), last.size(), restore));
    }

    /** Builds the fleet once into the kept database {@code bench.template} unless it is there; runs clone it. */
    private void buildTemplate(TestEndpoints.Postgres server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.adminUrl(), server.user(), server.password()); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + template + "'")) {
                if (rs.next()) {
                    System.out.println("fleet: cloning the kept template database " + template);
                    return;
                }
            }
            // built under another name and renamed when complete: a run cut off never leaves half a template
            st.execute("DROP DATABASE IF EXISTS " + template + "_building WITH (FORCE)");
            st.execute("CREATE DATABASE " + template + "_building");
        }
        try (Connection c = DriverManager.getConnection(server.urlFor(template + "_building"), server.user(), server.password())) {
            createFleet(sql -> {
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                }
            });
        }
        try (Connection c = DriverManager.getConnection(server.adminUrl(), server.user(), server.password()); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + template + "_building RENAME TO " + template);
        }
    }

    @FunctionalInterface
    interface Sql {
        void exec(String sql) throws SQLException;
    }

    private void createFleet(Sql f) throws Exception {
        f.exec("CREATE SCHEMA shared; CREATE TABLE shared.projects (id text PRIMARY KEY, name text);"
                + " INSERT INTO shared.projects SELECT g::text, 'p' || g FROM generate_series(1, " + projects + ") g");
        // ten schemas per transaction: one transaction creating everything would overflow the lock table
        for (int from = 1; from <= projects; from += 10) {
            int to = Math.min(projects, from + 9);
            f.exec("DO $$ DECLARE i int; j int; BEGIN FOR i IN " + from + ".." + to + " LOOP"
                    + " EXECUTE format('CREATE SCHEMA p_%s', i);"
                    + " FOR j IN 1.." + tables + " LOOP"
                    + (shape.equals("fk") ? fkTable() : " EXECUTE format('CREATE TABLE p_%s.t%s (id int PRIMARY KEY, name text, n int)', i, j);"
                    + " EXECUTE format('INSERT INTO p_%s.t%s SELECT g, md5(g::text), g FROM generate_series(1, 5) g', i, j);")
                    + " END LOOP; END LOOP; END $$");
        }
    }

    /** One table of the fk shape (PL/pgSQL inside the fleet's DO block; i = project, j = table). */
    private static String fkTable() {
        return " IF j = 1 THEN"
                + " EXECUTE format('CREATE TABLE p_%s.t1 (id int PRIMARY KEY, name text, n int)', i);"
                + " EXECUTE format('INSERT INTO p_%s.t1 SELECT g, md5(g::text), g FROM generate_series(1, 5) g', i);"
                + " ELSE"
                + " EXECUTE format('CREATE TABLE p_%s.t%s (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES p_%s.t%s (id)"
                + " ON DELETE CASCADE, name text, n int)', i, j, i, j / 2);"
                + " EXECUTE format('CREATE INDEX ON p_%s.t%s (parent_id)', i, j);"
                + " EXECUTE format('INSERT INTO p_%s.t%s SELECT g, g, md5(g::text), g FROM generate_series(1, 5) g', i, j);"
                + " END IF;";
    }

    private void fleet(BackupFixture f) throws Exception {
        List<Double> ours = new ArrayList<>();
        List<Double> old = new ArrayList<>();
        List<Double> main = new ArrayList<>();
        List<Boolean> mainStale = new ArrayList<>();
        Manifest last = null;
        // today's main (before 2026-12-02: catalogs not analyzed) first, all its runs: once a backup has analyzed the
        // catalogs the statistics stay, so these cannot be interleaved; whether they were stale is recorded per run
        f.props.setAnalyzeCatalogs(false);
        for (int r = 0; r < repeats; r++) {
            mainStale.add(staleCatalogs(f));
            f.store.delete(timeBackup(f, main));
        }
        f.props.setAnalyzeCatalogs(true);
        for (int r = 0; r < repeats; r++) {
            // interleaved with the same backup under the settings before 2026-11-24 (3 workers, half the lock table
            // shared by them, i.e. 1,066 tables per run, count(*) of every table on the server): same load, same fleet
            if (oldSettings) {
                f.props.setWorkers(3);
                f.props.setLockBudget(oldBudget);
                f.backups.rowCounts().archiveBytesPerTable(0);
                f.store.delete(timeBackup(f, old));
                f.props.setWorkers(workers);
                f.props.setLockBudget(0);
                f.backups.rowCounts().archiveBytesPerTable(RowCounts.ARCHIVE_BYTES_PER_TABLE);
            }
            if (last != null) {
                f.store.delete(last);
            }
            last = timeBackup(f, ours);
        }
        // per-schema pg_dump, as the prototype did, on a sample, extrapolated to the fleet
        List<Double> per = new ArrayList<>();
        Path tmp = Files.createTempDirectory("bench-per-schema");
        for (int i = 0; i < sample; i++) {
            String s = "p_" + (1 + i * Math.max(1, projects / sample));
            long t = System.nanoTime();
            PgTools.Result res = f.pg.run(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()),
                    f.pg.command("pg_dump", f.database, List.of("-Fc", "-n", s, "-f", tmp.resolve(s + ".dump").toString())),
                    "bench", null, null);
            per.add(secs(System.nanoTime() - t));
            assertEquals(0, res.exit());
        }
        BackupTestAccess.deleteTree(tmp);
        double oursMed = median(ours);
        double perMed = median(per);
        double perFleet = perMed * (projects + 1);
        // restore of one project from the fleet backup: the swap alone, and with the safety backup first
        String pid = Integer.toString(projects / 2);
        List<Double> restore = new ArrayList<>();
        List<Double> restoreSafety = new ArrayList<>();
        List<Double> restoreDump = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            restore.add(timeRestore(f, last.id() + ":" + pid, false));
            // the default: the replaced schema kept as the way back
            restoreSafety.add(timeRestore(f, last.id() + ":" + pid, true));
            // main's default before 2026-12-02: a safety pg_dump first (safety_dump; the kept copy as well)
            restoreDump.add(timeRestore(f, last.id() + ":" + pid, true, true));
        }
        int batches = (int) last.files().size();
        if (oldSettings) {
            results.put("backup_all_old_settings", Map.of("median_s", median(old), "runs_s", old, "workers", 3,
                    "lock_budget", oldBudget, "row_counts", "count(*) on the server", "ratio_new_vs_old", oursMed / median(old)));
        }
        results.put("backup_all_main_2026_12_01", Map.of("median_s", median(main), "runs_s", main,
                "catalog_stats_stale_at_start", mainStale, "ratio_ours_vs_main", oursMed / median(main)));
        results.put("backup_all", map("median_s", oursMed, "runs_s", ours, "schemas", last.schemas().size(),
                "pg_dump_runs", batches, "bytes", last.size(), "goal_s", 20,
                "lock_table_limit", f.metrics.lockTableLimit().orElse("none: one run per worker")));
        f.metrics.lockTableLimit().ifPresent(l -> table.add("lock table: " + l));
        results.put("per_schema_pg_dump", Map.of("median_s_per_schema", perMed, "sample", per.size(),
                "extrapolated_fleet_s", perFleet, "ratio_vs_ours", perFleet / oursMed));
        results.put("restore_one_project", Map.of("median_s", median(restore), "runs_s", restore,
                "default_kept_copy_median_s", median(restoreSafety), "default_runs_s", restoreSafety,
                "with_safety_dump_median_s", median(restoreDump), "safety_dump_runs_s", restoreDump, "goal_s", 2));
        table.add(String.format("%-48s %10s %10s", "measure", "median s", "goal"));
        table.add(String.format("%-48s %10.2f %10s", "backup_database all (" + last.schemas().size() + " schemas, "
                + batches + " pg_dump runs)", oursMed, "<= 20"));
        table.add(String.format("%-48s %10.2f %10s", "  same run, main before (no catalog ANALYZE; stale " + mainStale
                + "), ratio " + String.format("%.2f", oursMed / median(main)), median(main), ""));
        if (oldSettings) {
            table.add(String.format("%-48s %10.2f %10s", "  same, old settings (3 workers, budget " + oldBudget + ", count(*)), ratio "
                    + String.format("%.2f", oursMed / median(old)), median(old), ""));
        }
        table.add(String.format("%-48s %10.2f %10s", "per-schema pg_dump, one schema (sample " + per.size() + ")", perMed, ""));
        table.add(String.format("%-48s %10.1f %10s", "  -> fleet extrapolated, ratio " + String.format("%.0fx", perFleet / oursMed), perFleet, ""));
        table.add(String.format("%-48s %10.2f %10s", "restore one project (no safety backup)", median(restore), "<= 2"));
        table.add(String.format("%-48s %10.2f %10s", "restore one project, default (kept copy)", median(restoreSafety), "<= 2"));
        table.add(String.format("%-48s %10.2f %10s", "  same run, with a safety pg_dump (main's default)", median(restoreDump), ""));
        if (restoreAll) {
            restoreAll(f, last);
        }
        f.store.list().stream().filter(m -> Manifest.TASKNODE.equals(m.format())).forEach(m -> {
            try {
                f.store.delete(m);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Everything from the fleet backup: the default (replaced copies kept as the way back) {@code restoreAllRepeats}
     * times, each run's copies left in place (so later runs see a catalog that grew by a fleet: pessimistic); the
     * same-run floor, PostgreSQL's own {@code pg_restore --jobs} of every archive into an empty scratch database
     * (archives side by side, as many as the restore's workers); with {@code bench.restoreAllDrop} once with
     * {@code safety_backup=false} (the copies dropped in the restore); with {@code bench.restoreAllBaseline} once
     * one pg_restore per schema (restore-batches=false, main before 2026-12-02; ~20 min).
     */
    private void restoreAll(BackupFixture f, Manifest last) throws Exception {
        List<Double> batched = new ArrayList<>();
        for (int r = 0; r < Math.max(1, repeatsAll); r++) {
            batched.add(timeRestore(f, last.id(), true));
        }
        double bare = bareRestoreAll(f, last);
        double drop = Boolean.getBoolean("bench.restoreAllDrop") ? timeRestore(f, last.id(), false) : Double.NaN;
        double perSchema = Double.NaN;
        if (Boolean.getBoolean("bench.restoreAllBaseline")) {
            f.props.setRestoreBatches(false);
            perSchema = timeRestore(f, last.id(), false);
            f.props.setRestoreBatches(true);
        }
        results.put("restore_all", map("default_kept_copies_median_s", median(batched), "default_runs_s", batched,
                "bare_pg_restore_all_archives_s", bare, "ratio_vs_bare", median(batched) / bare,
                "safety_backup_false_s", drop, "per_schema_s", perSchema, "goal_s", 60));
        table.add(String.format("%-48s %10.2f %10s", "restore all, default (copies kept) " + batched, median(batched), "<= 60"));
        table.add(String.format("%-48s %10.2f %10s", "  same run, bare pg_restore -j of every archive (ratio "
                + String.format("%.2f", median(batched) / bare) + ")", bare, ""));
        if (!Double.isNaN(drop)) {
            table.add(String.format("%-48s %10.2f %10s", "  restore all, safety_backup=false (copies dropped)", drop, ""));
        }
        if (!Double.isNaN(perSchema)) {
            table.add(String.format("%-48s %10.2f %10s", "  restore all, one pg_restore per schema (main before 12-02)", perSchema, ""));
        }
    }

    /** PostgreSQL's own tool alone: every archive into a fresh empty database, {@code workers} archives at once, each -j workers. */
    private double bareRestoreAll(BackupFixture f, Manifest m) throws Exception {
        String scratch = f.database + "_bare";
        int w = f.props.effectiveWorkers();
        f.exec("CREATE DATABASE " + scratch + " TEMPLATE template0");
        try {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(w);
            long t = System.nanoTime();
            try {
                List<java.util.concurrent.Future<Integer>> runs = new ArrayList<>();
                for (Manifest.FileEntry file : m.files()) {
                    runs.add(pool.submit(() -> f.pg.run(new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of()),
                            f.pg.command("pg_restore", scratch, List.of("--exit-on-error", "--jobs=" + w,
                                    f.store.file(m, file.name()).toString())), "bench", null, null).exit()));
                }
                for (var r : runs) {
                    assertEquals(0, r.get());
                }
            } finally {
                pool.shutdown();
            }
            return secs(System.nanoTime() - t);
        } finally {
            f.exec("DROP DATABASE " + scratch + " WITH (FORCE)");
        }
    }

    private static boolean staleCatalogs(BackupFixture f) throws Exception {
        try (Connection c = f.ds.getConnection()) {
            return !dev.tasknode.node.backup.pg.CatalogStatistics.stale(c).isEmpty();
        }
    }

    private Manifest timeBackup(BackupFixture f, List<Double> times) throws Exception {
        long t = System.nanoTime();
        RecordingContext ctx = new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of());
        Manifest m = f.backups.backup(ctx, Scope.ALL, "manual");
        times.add(secs(System.nanoTime() - t));
        ctx.lines.stream().filter(l -> l.contains("pg_dump run(s)") || l.contains("dumps done") || l.contains("lock table") || l.contains("catalog statistics")).forEach(System.out::println);
        assertEquals(Manifest.COMPLETE, m.status());
        return m;
    }

    private double timeRestore(BackupFixture f, String spec, boolean safety) throws Exception {
        return timeRestore(f, spec, safety, false);
    }

    private double timeRestore(BackupFixture f, String spec, boolean safety, boolean dump) throws Exception {
        RecordingContext ctx = new RecordingContext(TaskNames.RESTORE_DATABASE, Map.of("param", spec, "safety_backup", safety,
                "safety_dump", dump));
        long t = System.nanoTime();
        TaskOutcome o = f.restore.restore(ctx, RestoreSpec.parse(spec), safety, dump);
        double s = secs(System.nanoTime() - t);
        ctx.lines.stream().filter(l -> l.contains(" phases ") || l.contains(".dump: ")).forEach(System.out::println);
        System.out.println("restore " + spec + " safety_backup=" + safety + (dump ? " safety_dump" : "") + ": " + s + " s");
        assertEquals(TaskStatus.SUCCEEDED, o.status(), o.summary());
        return s;
    }

    private void big(BackupFixture f) throws Exception {
        if (bigMb <= 0) {
            return;
        }
        // rows of ~120 bytes on disk (tuple + index): about bigMb MB in total
        long rows = bigMb * 1024L * 1024L / 120;
        long t0 = System.nanoTime();
        f.exec("CREATE SCHEMA p_big; CREATE TABLE p_big.data (id bigint, a text, b int, c timestamptz);"
                + " INSERT INTO p_big.data SELECT g, md5(g::text) || md5((g * 7)::text), g % 1000, now() FROM generate_series(1, " + rows + ") g;"
                + " ALTER TABLE p_big.data ADD PRIMARY KEY (id)");
        f.exec("VACUUM ANALYZE p_big.data");
        long size = f.count("SELECT pg_total_relation_size('p_big.data')");
        double create = secs(System.nanoTime() - t0);
        Path tmp = Files.createTempDirectory("bench-big");
        Path bare = tmp.resolve("bare.dump");
        List<Double> bareDump = new ArrayList<>();
        List<Double> oursDump = new ArrayList<>();
        List<Double> bareRestore = new ArrayList<>();
        List<Double> oursRestore = new ArrayList<>();
        Manifest m = null;
        RecordingContext ctx = new RecordingContext(TaskNames.BACKUP_DATABASE, Map.of());
        for (int r = 0; r < repeats; r++) {
            long t = System.nanoTime();
            assertEquals(0, f.pg.run(ctx, f.pg.command("pg_dump", f.database, List.of("-Fc", "-n", "p_big", "-f", bare.toString())),
                    "bench", null, null).exit());
            bareDump.add(secs(System.nanoTime() - t));
            if (m != null) {
                f.store.delete(m);
            }
            t = System.nanoTime();
            m = f.backups.backup(ctx, new Scope.Project("big"), "manual");
            oursDump.add(secs(System.nanoTime() - t));
            assertEquals(Manifest.COMPLETE, m.status());
            // bare restore: what a person does by hand (schema gone, pg_restore -n into a created schema)
            f.exec("DROP SCHEMA p_big CASCADE; CREATE SCHEMA p_big");
            t = System.nanoTime();
            assertEquals(0, f.pg.run(ctx, f.pg.command("pg_restore", f.database, List.of("--exit-on-error", "-n", "p_big", bare.toString())),
                    "bench", null, null).exit());
            bareRestore.add(secs(System.nanoTime() - t));
            oursRestore.add(timeRestore(f, m.id() + ":big", false));
        }
        BackupTestAccess.deleteTree(tmp);
        double bd = median(bareDump);
        double od = median(oursDump);
        double br = median(bareRestore);
        double or = median(oursRestore);
        results.put("big_schema", map("size_bytes", size, "target_mb", bigMb, "create_s", create,
                "bare_pg_dump_s", bd, "backup_database_s", od, "backup_ratio", od / bd,
                "bare_pg_restore_s", br, "restore_database_s", or, "restore_ratio", or / br, "goal_ratio", 1.15,
                "runs", Map.of("bare_dump", bareDump, "ours_dump", oursDump, "bare_restore", bareRestore, "ours_restore", oursRestore)));
        table.add(String.format("%-48s %10.2f %10s", "big schema " + (size >> 20) + " MB: bare pg_dump -Fc", bd, ""));
        table.add(String.format("%-48s %10.2f %10s", "  backup_database (ratio " + String.format("%.2f", od / bd) + ")", od, "<= 1.15x"));
        table.add(String.format("%-48s %10.2f %10s", "big schema: bare pg_restore -n", br, ""));
        table.add(String.format("%-48s %10.2f %10s", "  restore_database (ratio " + String.format("%.2f", or / br) + ")", or, "<= 1.15x"));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static double secs(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
