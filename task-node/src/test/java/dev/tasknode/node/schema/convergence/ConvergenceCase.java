package dev.tasknode.node.schema.convergence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One before/after case of the convergence corpus, read from {@code convergence/<kind>/NNN-name.sql}.
 *
 * <p>Sections start with a line {@code -- <section>}: {@code shared before}, {@code shared after}, {@code shared}
 * (the same shared schema before and after), {@code before}, {@code after}, {@code data} (rows loaded into the
 * before state). A case without a {@code -- before} section starts with no project schema at all. One header line
 * {@code -- expect: safe,destructive} states the exact set of classifications the proposal must show; a line
 * {@code -- refused: <text>} says the model is refused at start-up by design, with an error containing the text
 * (then the case checks that refusal, and that nothing was changed, instead of convergence). Text uses the
 * model files' placeholders {@code {schema}} and {@code {shared}}.
 */
public record ConvergenceCase(String id, String kind, String sharedBefore, String sharedAfter, String before,
                              String after, String data, Set<String> expect, String refused,
                              String unplannable) {
    private static final Pattern SECTION = Pattern.compile(
            "(?m)^--\\s*(shared before|shared after|shared|before|after|data)\\s*$");
    private static final Pattern EXPECT = Pattern.compile("(?m)^--\\s*expect:\\s*(.+)$");
    private static final Pattern REFUSED = Pattern.compile("(?m)^--\\s*refused:\\s*(.+)$");
    private static final Pattern UNPLANNABLE = Pattern.compile("(?m)^--\\s*unplannable:\\s*(.+)$");
    private static final Set<String> CLASSES = Set.of("safe", "locking", "destructive");

    @Override
    public String toString() {
        return id;
    }

    /** The same case with {@code f} applied to each SQL section. */
    ConvergenceCase map(UnaryOperator<String> f) {
        return new ConvergenceCase(id, kind, f.apply(sharedBefore), f.apply(sharedAfter),
                before == null ? null : f.apply(before), f.apply(after), f.apply(data), expect, refused,
                unplannable);
    }

    /** A header's text ({@code -- refused: <text>}, {@code -- unplannable: <text>}), else null. */
    private static String header(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1).strip() : null;
    }

    static ConvergenceCase read(Path root, Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String id = root.relativize(file).toString().replace('\\', '/').replaceFirst("\\.sql$", "");
        String kind = id.substring(0, id.indexOf('/'));
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(text);
        String name = null;
        int from = 0;
        while (m.find()) {
            if (name != null) {
                put(sections, id, name, text.substring(from, m.start()));
            }
            name = m.group(1);
            from = m.end();
        }
        if (name == null) {
            throw new IllegalArgumentException(id + ": no sections; expected lines like '-- before' and '-- after'");
        }
        put(sections, id, name, text.substring(from));
        if (!sections.containsKey("after")) {
            throw new IllegalArgumentException(id + ": no '-- after' section (the model)");
        }
        if (sections.containsKey("shared") && (sections.containsKey("shared before") || sections.containsKey("shared after"))) {
            throw new IllegalArgumentException(id + ": '-- shared' together with '-- shared before/after'");
        }
        String shared = sections.getOrDefault("shared", "");
        Set<String> expect = null;
        Matcher e = EXPECT.matcher(text);
        if (e.find()) {
            expect = new TreeSet<>();
            for (String c : e.group(1).split(",")) {
                String k = c.strip();
                if (!CLASSES.contains(k)) {
                    throw new IllegalArgumentException(id + ": expect '" + k + "': accepted are " + CLASSES);
                }
                expect.add(k);
            }
        }
        return new ConvergenceCase(id, kind, sections.getOrDefault("shared before", shared),
                sections.getOrDefault("shared after", shared), sections.get("before"), sections.get("after"),
                sections.getOrDefault("data", ""), expect, header(REFUSED, text), header(UNPLANNABLE, text));
    }

    private static void put(Map<String, String> sections, String id, String name, String body) {
        if (sections.put(name, body.strip()) != null) {
            throw new IllegalArgumentException(id + ": section '-- " + name + "' appears twice");
        }
    }

    /** Every case under {@code root} ({@code <kind>/*.sql}), sorted by id. */
    static List<ConvergenceCase> all(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".sql")).sorted().map(p -> {
                try {
                    return read(root, p);
                } catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
            }).toList();
        }
    }
}
