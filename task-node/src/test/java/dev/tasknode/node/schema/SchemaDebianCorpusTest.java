package dev.tasknode.node.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tasknode.contracts.tasks.Scope;
import dev.tasknode.node.schema.apply.FleetApplier;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.model.SqlScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus that is not ours: the PostgreSQL schemas Debian ships with PowerDNS (pdns-backend-pgsql), Roundcube
 * (roundcube-core) and Icinga 2 IDO (icinga2-ido-pgsql) — 85 tables written by other people, with serials,
 * sequences, composite keys, operator classes, foreign keys and checks. Each becomes a project model (unqualified
 * names land in the project schema); create_tables builds it from nothing and a new propose must then be empty.
 *
 * <p>The files come from the installed packages, or from a directory with the packages unpacked
 * ({@code apt-get download pdns-backend-pgsql roundcube-core icinga2-ido-pgsql} and {@code dpkg -x <deb> <dir>} for
 * each) named by {@code TASKNODE_TEST_DEB_ROOT}. Missing files fail the test with that instruction.
 */
class SchemaDebianCorpusTest {
    static SchemaTestDb db;
    /** Statements that are data or code, not schema objects the engine manages: left out of the model. */
    static final Pattern SCHEMA_DDL = Pattern.compile(
            "(?is)^(create\\s+(unique\\s+)?index|create\\s+table|create\\s+sequence|create\\s+type|create\\s+(or\\s+replace\\s+)?view"
                    + "|alter\\s+table|alter\\s+sequence|comment\\s+on)\\b.*");

    record App(String pkg, String path, int tables) {
        @Override
        public String toString() {
            return pkg;
        }
    }

    static Stream<App> apps() {
        return Stream.of(new App("pdns-backend-pgsql", "usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql", 7),
                new App("roundcube-core", "usr/share/roundcube/SQL/postgres.initial.sql", 17),
                new App("icinga2-ido-pgsql", "usr/share/icinga2-ido-pgsql/schema/pgsql.sql", 61));
    }

    @BeforeAll
    static void setUp() {
        db = new SchemaTestDb("schema_debian");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static Path locate(App app) {
        String root = System.getenv("TASKNODE_TEST_DEB_ROOT");
        if (root == null) {
            root = unpackedCorpus();
        }
        for (String r : root == null ? List.of("/") : List.of(root, "/")) {
            Path p = Path.of(r).resolve(app.path());
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("Debian corpus file /" + app.path() + " not found. Install the package ("
                + "apt-get install " + app.pkg() + ") or unpack it: apt-get download " + app.pkg()
                + " && dpkg -x " + app.pkg() + "_*.deb <dir>, then set TASKNODE_TEST_DEB_ROOT=<dir>"
                + (root == null ? "" : " (now " + root + ")"));
    }

    private static String unpacked;

    /** Without TASKNODE_TEST_DEB_ROOT: unpack the packages with .ci/debian-corpus (once; it keeps them). */
    private static synchronized String unpackedCorpus() {
        if (unpacked == null) {
            Path script = Path.of("..", ".ci", "debian-corpus");
            try {
                Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                unpacked = p.waitFor() == 0 ? out.lines().reduce((a, b) -> b).orElse("") : "";
            } catch (Exception e) {
                unpacked = "";
            }
        }
        return unpacked.isEmpty() ? null : unpacked;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("apps")
    void foreignSchemaIsCreatedFromNothingAndThenProposesNothing(App app) throws Exception {
        String text = Files.readString(locate(app));
        StringBuilder model = new StringBuilder();
        int kept = 0;
        for (SqlScript.Statement s : SqlScript.split(text)) {
            if (SCHEMA_DDL.matcher(s.sql()).matches()) {
                model.append(s.sql()).append(";\n");
                kept++;
            }
        }
        assertTrue(kept >= app.tables(), "statements kept: " + kept);
        String id = app.pkg().replace("-", "_").toLowerCase(Locale.ROOT);
        ModelSet m = new ModelSet(List.of(),
                List.of(new ModelFile(ModelSet.Kind.PROJECT, "project/" + id + ".sql", app.path(), model.toString())));
        SchemaTestDb.Wiring w = db.wire(m);
        Scope scope = new Scope.Project(id);
        Results.ApplyReport r = w.applier().run(new SchemaTestDb.Ctx("create_tables", Map.of()), scope,
                new FleetApplier.Options("create_tables", false, false, false, null, true));
        Results.SchemaOutcome o = r.outcomes().stream().filter(x -> x.schema().equals("p_" + id)).findFirst().orElseThrow();
        assertEquals("applied", o.outcome(), () -> SchemaCorpusTest.json(o));
        assertEquals(Boolean.TRUE, o.matchesModel(), () -> SchemaCorpusTest.json(o));
        assertEquals(app.tables(), db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'p_" + id + "'"));
        Results.Proposal p = w.reports().propose(scope).proposal();
        assertEquals(0, p.toChange(), () -> SchemaCorpusTest.json(p));

        // and a schema that lost an index and a column converges back through apply_migrations
        String victim = db.count("SELECT count(*) FROM pg_indexes WHERE schemaname = 'p_" + id + "' AND indexname NOT LIKE '%pkey'") > 0
                ? "yes" : "no";
        if (victim.equals("yes")) {
            db.exec("DO $$ DECLARE i text; BEGIN SELECT indexname INTO i FROM pg_indexes WHERE schemaname = 'p_" + id
                    + "' AND indexname NOT LIKE '%pkey' AND indexdef NOT LIKE '%UNIQUE%' ORDER BY indexname LIMIT 1; "
                    + "IF i IS NOT NULL THEN EXECUTE format('DROP INDEX p_" + id + ".%I', i); END IF; END $$");
        }
        Results.ApplyReport again = w.applier().run(new SchemaTestDb.Ctx("apply_migrations", Map.of()), scope,
                new FleetApplier.Options("apply_migrations", false, false, false, null, false));
        assertEquals(0, again.failed(), () -> SchemaCorpusTest.json(again));
        assertEquals(0, w.reports().propose(scope).proposal().toChange());
    }
}
