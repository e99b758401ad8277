package dev.tasknode.node.schema.convergence;

import dev.tasknode.testing.TestEndpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The comparison oracle: {@code pg_dump --schema-only} of the case's schemas, normalised so that two databases
 * with the same objects give the same text. pg_dump prints one entry per object behind a {@code -- Name:} header;
 * the entries are compared as a sorted list (pg_dump's order can follow OIDs), table columns are sorted (a column
 * the migration adds comes last, a fresh build puts it where the model says; the engine does not reorder columns),
 * and the header comments, SET lines and {@code \restrict} lines are dropped. Extensions, which pg_dump leaves out
 * when schemas are named, are added as one line each from pg_extension.
 */
final class SchemaDump {
    private static final Pattern NOISE = Pattern.compile(
            "^(SET |SELECT pg_catalog\\.set_config|\\\\restrict|\\\\unrestrict).*");
    private static final Pattern TABLE_START = Pattern.compile("^CREATE (UNLOGGED )?TABLE .*\\($");

    private SchemaDump() {}

    /** Normalised entries of {@code schemas} in {@code database}, sorted. */
    static List<String> of(String database, List<String> schemas) throws IOException, InterruptedException, SQLException {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        List<String> cmd = new ArrayList<>(List.of("pg_dump", "--schema-only", "--no-tablespaces", "-h", pg.host(),
                "-p", String.valueOf(pg.port()), "-U", pg.user()));
        for (String s : schemas) {
            cmd.add("-n");
            cmd.add(s);
        }
        cmd.add(database);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        if (pg.password() != null && !pg.password().isEmpty()) {
            pb.environment().put("PGPASSWORD", pg.password());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        var err = p.getErrorStream();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(err.readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pg_dump of " + database + " failed: " + stderr);
        }
        List<String> entries = normalise(out);
        entries.addAll(extensions(database));
        entries.sort(null);
        return entries;
    }

    static List<String> normalise(String dump) {
        List<String> entries = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        for (String line : dump.split("\n", -1)) {
            line = line.stripTrailing();
            if (line.startsWith("--")) {
                // a header is "--\n-- Name: …\n--": an entry ends where the next header begins
                if (line.startsWith("-- Name:") || line.startsWith("-- Data for Name:")) {
                    flush(entries, cur);
                }
                continue;
            }
            if (line.isEmpty() || NOISE.matcher(line).matches()) {
                continue;
            }
            cur.add(line);
        }
        flush(entries, cur);
        return entries;
    }

    private static void flush(List<String> entries, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            out.add(l);
            if (TABLE_START.matcher(l).matches()) {
                List<String> cols = new ArrayList<>();
                int j = i + 1;
                while (j < lines.size() && !lines.get(j).startsWith(")")) {
                    String c = lines.get(j);
                    cols.add(c.endsWith(",") ? c.substring(0, c.length() - 1) : c);
                    j++;
                }
                cols.sort(null);
                out.addAll(cols);
                i = j - 1;
            }
        }
        entries.add(String.join("\n", out));
        lines.clear();
    }

    private static List<String> extensions(String database) throws SQLException {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.urlFor(database), pg.user(), pg.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT e.extname, e.extversion, n.nspname FROM pg_extension e "
                     + "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1")) {
            while (rs.next()) {
                out.add("EXTENSION " + rs.getString(1) + " VERSION " + rs.getString(2) + " SCHEMA " + rs.getString(3));
            }
        }
        return out;
    }
}
