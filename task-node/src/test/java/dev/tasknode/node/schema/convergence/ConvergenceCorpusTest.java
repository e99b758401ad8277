package dev.tasknode.node.schema.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tasknode.testing.TestEndpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 10's convergence corpus: every case under {@code src/test/resources/convergence/<kind>/} must converge (see
 * {@link CaseRun}), except the cases listed in {@code convergence/known-failures.txt} with a reason, which must still
 * fail (a listed case that passes fails the test, so the list stays true). Cases run in parallel, each in its own
 * databases; the run writes {@code target/convergence-results.md} (the table in docs/schema-engine.md),
 * {@code target/convergence-failures.md} (every failing case with its error, grouped by kind) and
 * {@code target/convergence-cases.tsv} (each case's outcome and the classifications its proposal showed) and
 * {@code target/known-failures-now.txt} (the list this run would need).
 *
 * <p>{@code -Dtasknode.corpus.filter=<regex>} runs the matching case ids only; {@code -Dtasknode.corpus.threads}
 * sets the parallelism (default 4).
 */
class ConvergenceCorpusTest {
    /** The kinds issue 10 asks the corpus to cover; a missing folder fails the test. */
    static final List<String> KINDS = List.of("tables", "columns", "keys", "indexes", "views", "sequences", "enums",
            "comments", "functions", "procedures", "triggers", "policies", "grants", "domains", "types",
            "partitions", "collations", "extensions", "matviews", "combos");
    static final int MIN_CASES = 300;
    /** Roles the grant and policy cases name. */
    static final List<String> ROLES = List.of("tncor_app", "tncor_reader", "tncor_admin");
    /**
     * Roles belong to the cluster, and other runs of this test (other worktrees) create and drop them too: each run
     * renames the case's roles to its own ({@code tncor_app} becomes {@code tncor_<run>_app}).
     */
    static final String RUN = TestEndpoints.uniqueName("r").substring(2, 10);
    static final Pattern ROLE = Pattern.compile("\\btncor_(app|reader|admin)\\b");

    static String runRole(String role) {
        return ROLE.matcher(role).replaceAll("tncor_" + RUN + "_$1");
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws Exception {
        Path root = Path.of(Objects.requireNonNull(getClass().getResource("/convergence"),
                "convergence corpus not on the test classpath").toURI());
        List<ConvergenceCase> all = ConvergenceCase.all(root);
        Map<String, String> known = knownFailures(root.resolve("known-failures.txt"));
        String filter = System.getProperty("tasknode.corpus.filter", "");
        List<ConvergenceCase> cases = all.stream().filter(c -> filter.isEmpty() || c.id().matches(filter))
                .map(c -> c.map(ConvergenceCorpusTest::runRole)).toList();
        int threads = Integer.getInteger("tasknode.corpus.threads", 4);
        createRoles();

        long t0 = System.nanoTime();
        List<CaseRun.Result> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<CaseDbs> opened = new CopyOnWriteArrayList<>();
        ThreadLocal<CaseDbs> dbs = ThreadLocal.withInitial(() -> {
            CaseDbs d = new CaseDbs();
            opened.add(d);
            return d;
        });
        try {
            // errors name the case's roles as the files do, so that reasons and reports do not change per run
            List<Future<CaseRun.Result>> futures = cases.stream()
                    .map(c -> pool.submit(() -> CaseRun.run(c, dbs.get()).map(e -> e.replace("tncor_" + RUN + "_", "tncor_"))))
                    .toList();
            for (Future<CaseRun.Result> f : futures) {
                results.add(f.get());
            }
        } finally {
            pool.shutdownNow();
            opened.forEach(CaseDbs::close);
        }
        long wallMillis = (System.nanoTime() - t0) / 1_000_000;
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("convergence-results.md"), CorpusReport.table(results, known, wallMillis, threads),
                StandardCharsets.UTF_8);
        Files.writeString(target.resolve("convergence-failures.md"), CorpusReport.failures(results, known),
                StandardCharsets.UTF_8);
        Files.writeString(target.resolve("convergence-cases.tsv"), CorpusReport.cases(results, known), StandardCharsets.UTF_8);
        Files.writeString(target.resolve("known-failures-now.txt"), CorpusReport.knownNow(results), StandardCharsets.UTF_8);

        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("known-failures.txt names existing cases", () -> {
            TreeSet<String> ids = new TreeSet<>(all.stream().map(ConvergenceCase::id).toList());
            List<String> stale = known.keySet().stream().filter(k -> !ids.contains(k)).toList();
            assertTrue(stale.isEmpty(), () -> "known-failures.txt lists cases that do not exist: " + stale);
        }));
        if (filter.isEmpty()) {
            tests.add(DynamicTest.dynamicTest("the corpus covers every kind with at least " + MIN_CASES + " cases", () -> {
                Map<String, Long> perKind = new TreeMap<>();
                all.forEach(c -> perKind.merge(c.kind(), 1L, Long::sum));
                List<String> missing = KINDS.stream().filter(k -> !perKind.containsKey(k)).toList();
                assertEquals(List.of(), missing, "kinds without cases");
                assertTrue(all.size() >= MIN_CASES, () -> all.size() + " cases, at least " + MIN_CASES + " wanted");
            }));
        }
        for (CaseRun.Result r : results) {
            String reason = known.get(r.c().id());
            tests.add(DynamicTest.dynamicTest(r.c().id(), () -> verdict(r, reason)));
        }
        return tests.stream();
    }

    private static void verdict(CaseRun.Result r, String knownReason) {
        if (r.passed()) {
            if (knownReason != null) {
                fail(r.c().id() + " converges now: remove it from known-failures.txt (listed: " + knownReason + ")");
            }
            return;
        }
        String msg = r.c().id() + " failed at " + r.stage() + ": " + r.error();
        if (knownReason == null || r.caseDefect()) {
            fail(msg);
        }
    }

    /** {@code <kind>/<case> <reason>} per line; {@code #} starts a comment. A listed case must say why. */
    static Map<String, String> knownFailures(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+", 2);
            if (parts.length < 2 || parts[1].isBlank()) {
                throw new IllegalArgumentException("known-failures.txt:" + n + ": '" + l
                        + "' has no reason; write '<kind>/<case> <why it fails>'");
            }
            if (out.put(parts[0], parts[1].strip()) != null) {
                throw new IllegalArgumentException("known-failures.txt:" + n + ": " + parts[0] + " listed twice");
            }
        }
        return out;
    }

    static void createRoles() throws SQLException {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        try (Connection c = DriverManager.getConnection(pg.adminUrl(), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            for (String r : ROLES) {
                st.execute("CREATE ROLE " + runRole(r) + " NOLOGIN");
            }
        }
    }

    /** After the case databases are gone, nothing refers to this run's roles. */
    @AfterAll
    static void dropRoles() throws SQLException {
        TestEndpoints.awaitDatabaseDrops(); // the case databases' grants refer to the roles
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        try (Connection c = DriverManager.getConnection(pg.adminUrl(), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            for (String r : ROLES) {
                st.execute("DROP ROLE IF EXISTS " + runRole(r));
            }
        }
    }
}
