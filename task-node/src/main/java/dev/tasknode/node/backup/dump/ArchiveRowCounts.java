package dev.tasknode.node.backup.dump;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Row counts per table read from an archive's own data: the plain output of {@code pg_restore --data-only}, where
 * every table's data is a {@code COPY schema.table (…) FROM stdin;} line, then one line per row (COPY's text
 * format escapes newlines inside values), then {@code \.}. The archive was written at the backup's snapshot, so
 * these are the snapshot's exact counts, without a {@code count(*)} per table on the server (20,000 of them for a
 * 1,000-project fleet, about as much server time as the dumps).
 */
final class ArchiveRowCounts {
    private ArchiveRowCounts() {}

    /** schema → table → rows, for every table with data in the output. */
    static Map<String, Map<String, Long>> read(InputStream in) throws IOException {
        Map<String, Map<String, Long>> out = new HashMap<>();
        byte[] buf = new byte[1 << 16];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        String[] table = null; // the COPY being read, or null between data sections
        long rows = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                if (table != null && line.size() == 0 && !(i - start == 2 && buf[start] == '\\' && buf[start + 1] == '.')) {
                    rows++; // a data row: no need to look at it
                } else {
                    line.write(buf, start, i - start);
                    String l = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    if (table == null) {
                        table = copyTarget(l);
                        rows = 0;
                    } else if (l.equals("\\.")) {
                        out.computeIfAbsent(table[0], k -> new HashMap<>()).merge(table[1], rows, Long::sum);
                        table = null;
                    } else {
                        rows++;
                    }
                }
                start = i + 1;
            }
            line.write(buf, start, n - start);
        }
        if (table != null) {
            throw new IOException("pg_restore output ended inside the data of " + table[0] + "." + table[1]);
        }
        return out;
    }

    /** {@code [schema, table]} of a {@code COPY "s"."t" (…) FROM stdin;} line, else null. */
    static String[] copyTarget(String line) {
        if (!line.startsWith("COPY ") || !line.endsWith(" FROM stdin;")) {
            return null;
        }
        int[] pos = {5};
        String schema = ident(line, pos);
        if (schema == null || pos[0] >= line.length() || line.charAt(pos[0]) != '.') {
            return null;
        }
        pos[0]++;
        String table = ident(line, pos);
        return table == null ? null : new String[] {schema, table};
    }

    /** An identifier as pg_dump writes it: plain (lower case, digits, _ and $) or double-quoted with "" inside. */
    private static String ident(String s, int[] pos) {
        int i = pos[0];
        if (i < s.length() && s.charAt(i) == '"') {
            StringBuilder b = new StringBuilder();
            for (i++; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        b.append('"');
                        i++;
                    } else {
                        pos[0] = i + 1;
                        return b.toString();
                    }
                } else {
                    b.append(c);
                }
            }
            return null;
        }
        int start = i;
        while (i < s.length() && s.charAt(i) != '.' && s.charAt(i) != ' ') {
            i++;
        }
        pos[0] = i;
        return i > start ? s.substring(start, i) : null;
    }

    /** Fills every table of each schema (from the catalog) with its count; a table without data in the archive has 0. */
    static Map<String, Map<String, Long>> forTables(Map<String, Map<String, Long>> counted, Map<String, List<String>> tables) {
        Map<String, Map<String, Long>> out = new HashMap<>();
        tables.forEach((schema, names) -> {
            Map<String, Long> m = new TreeMap<>();
            Map<String, Long> got = counted.getOrDefault(schema, Map.of());
            names.forEach(t -> m.put(t, got.getOrDefault(t, 0L)));
            out.put(schema, m);
        });
        return out;
    }
}
