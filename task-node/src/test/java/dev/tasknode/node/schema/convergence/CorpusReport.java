package dev.tasknode.node.schema.convergence;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The corpus run as Markdown: the per-kind table (for docs/schema-engine.md) and the failing cases with errors. */
final class CorpusReport {
    private CorpusReport() {}

    static String table(List<CaseRun.Result> results, Map<String, String> known, long wallMillis, int threads) {
        Map<String, int[]> perKind = new TreeMap<>();
        int[] total = new int[4];
        for (CaseRun.Result r : results) {
            int[] k = perKind.computeIfAbsent(r.c().kind(), x -> new int[4]);
            int col = r.passed() ? 1 : known.containsKey(r.c().id()) && !r.caseDefect() ? 2 : 3;
            k[0]++;
            k[col]++;
            total[0]++;
            total[col]++;
        }
        StringBuilder b = new StringBuilder("| kind | cases | converge | known failures | failing (not listed) |\n"
                + "|---|---:|---:|---:|---:|\n");
        perKind.forEach((kind, k) -> row(b, kind, k));
        row(b, "**all**", total);
        b.append("\n").append(results.size()).append(" cases in ").append(wallMillis / 1000.0).append(" s with ")
                .append(threads).append(" threads.\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String kind, int[] k) {
        b.append("| ").append(kind).append(" | ").append(k[0]).append(" | ").append(k[1]).append(" | ").append(k[2])
                .append(" | ").append(k[3]).append(" |\n");
    }

    static String failures(List<CaseRun.Result> results, Map<String, String> known) {
        Map<String, StringBuilder> perKind = new TreeMap<>();
        for (CaseRun.Result r : results) {
            if (r.passed()) {
                continue;
            }
            StringBuilder b = perKind.computeIfAbsent(r.c().kind(), k -> new StringBuilder());
            b.append("### ").append(r.c().id()).append(" — ").append(r.stage())
                    .append(known.containsKey(r.c().id()) ? " (known: " + known.get(r.c().id()) + ")" : "")
                    .append("\n\n```\n").append(clip(r.error())).append("\n```\n\n");
        }
        StringBuilder out = new StringBuilder("# Convergence corpus: failing cases\n\n");
        perKind.forEach((kind, b) -> out.append("## ").append(kind).append("\n\n").append(b));
        if (perKind.isEmpty()) {
            out.append("None.\n");
        }
        return out.toString();
    }

    /** One line per case: id, outcome, failing stage, the classifications its first proposal showed, milliseconds. */
    static String cases(List<CaseRun.Result> results, Map<String, String> known) {
        StringBuilder b = new StringBuilder("case\toutcome\tstage\tclassifications\tmillis\n");
        for (CaseRun.Result r : results) {
            String outcome = r.passed() ? "converges" : known.containsKey(r.c().id()) && !r.caseDefect() ? "known" : "FAILS";
            b.append(r.c().id()).append('\t').append(outcome).append('\t').append(r.stage() == null ? "" : r.stage())
                    .append('\t').append(String.join(",", r.classes())).append('\t').append(r.millis()).append('\n');
        }
        return b.toString();
    }

    /**
     * The known-failures list this run would need: every failing case with its stage and first difference or error.
     * After a change to the engine, review its diff against known-failures.txt and copy it over.
     */
    static String knownNow(List<CaseRun.Result> results) {
        StringBuilder b = new StringBuilder("""
                # Cases of the convergence corpus that fail on this branch, one per line: <kind>/<case> <reason>.
                # The corpus test fails when a listed case converges (remove it then) and when an unlisted case fails.
                # Written by a corpus run as task-node/target/known-failures-now.txt (stage: first difference or error).
                """);
        for (CaseRun.Result r : results) {
            if (r.passed() || r.caseDefect()) {
                continue;
            }
            b.append(r.c().id()).append(' ').append(r.stage()).append(": ").append(summary(r)).append('\n');
        }
        return b.toString();
    }

    private static String summary(CaseRun.Result r) {
        List<String> lines = r.error() == null ? List.of() : r.error().lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
        String s = switch (r.stage()) {
            case "compare" -> "pg_dump differs: " + String.join("; ", lines.stream().filter(l -> l.startsWith("only "))
                    .limit(2).toList());
            case "reconverge" -> "propose after apply still plans: " + (lines.size() > 1 ? lines.get(1) : "");
            default -> lines.isEmpty() ? "" : lines.getFirst();
        };
        s = s.replaceAll("\\s+", " ");
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 3000 ? s.substring(0, 3000) + "\n…" : s.strip();
    }
}
