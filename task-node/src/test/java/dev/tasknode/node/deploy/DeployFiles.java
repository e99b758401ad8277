package dev.tasknode.node.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reading the files under {@code deploy/} for the checks, and the few parsers they need. */
final class DeployFiles {
    private DeployFiles() {}

    /** The repository root: the first directory upwards (from the module surefire runs in) that holds deploy/. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no deploy/ directory above " + dir);
    }

    static Path deploy(String relative) {
        return root().resolve("deploy").resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SafeConstructor: plain maps, lists and scalars only, as a YAML consumer (compose, kubectl) sees them. */
    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(Path file) {
        Object doc = yaml().load(read(file));
        if (!(doc instanceof Map)) {
            throw new AssertionError(file + " is not a YAML mapping");
        }
        return (Map<String, Object>) doc;
    }

    /** Every non-empty document of a multi-document YAML file. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(Path file) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(read(file))) {
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map)) {
                throw new AssertionError(file + " holds a document that is not a mapping: " + doc);
            }
            docs.add((Map<String, Object>) doc);
        }
        return docs;
    }

    /** JSON is read with the YAML parser too (JSON is YAML): one tree model for every file here. */
    static Map<String, Object> jsonMap(Path file) {
        return yamlMap(file);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new AssertionError(what + " is not a mapping: " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        if (!(o instanceof List)) {
            throw new AssertionError(what + " is not a list: " + o);
        }
        return (List<Object>) o;
    }

    /** Follows a path of keys (and list indexes) through nested maps and lists; null when absent. */
    static Object at(Object node, Object... path) {
        Object cur = node;
        for (Object key : path) {
            if (cur instanceof Map<?, ?> m) {
                cur = m.get(key);
            } else if (cur instanceof List<?> l && key instanceof Integer i) {
                cur = i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
        }
        return cur;
    }

    // ---------------------------------------------------------------------------------------------
    // PromQL: which metric names an expression reads. Not a full parser: strings, label matchers,
    // ranges and label lists are removed first, then every identifier that is not a function call,
    // a keyword or part of a number is a metric (or recording rule) name.

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LIST =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{?\\w+}?");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2", "start", "end");

    static Set<String> metricNames(String expr) {
        String s = STRING.matcher(expr).replaceAll(" \"\" ");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGE.matcher(s).replaceAll(" ");
        s = LABEL_LIST.matcher(s).replaceAll(" ");
        s = GRAFANA_VARIABLE.matcher(s).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String name = m.group();
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            boolean call = next < s.length() && s.charAt(next) == '(';
            if (!call && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** Every PromQL expression in alerts.yml, keyed by rule name (alert or record). */
    static Map<String, String> ruleExpressions() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Object g : list(yamlMap(deploy("prometheus/alerts.yml")).get("groups"), "groups")) {
            for (Object r : list(map(g, "group").get("rules"), "rules")) {
                Map<String, Object> rule = map(r, "rule");
                Object name = rule.containsKey("alert") ? rule.get("alert") : rule.get("record");
                out.put(String.valueOf(name), String.valueOf(rule.get("expr")));
            }
        }
        return out;
    }

    /** Names defined by recording rules in alerts.yml. */
    static Set<String> recordedNames() {
        Set<String> out = new LinkedHashSet<>();
        for (Object g : list(yamlMap(deploy("prometheus/alerts.yml")).get("groups"), "groups")) {
            for (Object r : list(map(g, "group").get("rules"), "rules")) {
                Object record = map(r, "rule").get("record");
                if (record != null) {
                    out.add(record.toString());
                }
            }
        }
        return out;
    }

    /** Every PromQL expression of the dashboard, keyed by "panel title / refId". */
    static Map<String, String> dashboardExpressions() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        collectPanels(list(jsonMap(deploy("grafana/dashboards/tasknode.json")).get("panels"), "panels"), out);
        return out;
    }

    private static void collectPanels(List<Object> panels, Map<String, String> out) {
        for (Object p : panels) {
            Map<String, Object> panel = map(p, "panel");
            if (panel.get("panels") instanceof List<?> nested) {
                collectPanels(new ArrayList<>(nested), out);
            }
            if (panel.get("targets") instanceof List<?> targets) {
                for (Object t : targets) {
                    Map<String, Object> target = map(t, "target");
                    out.put(panel.get("title") + " / " + target.get("refId"), String.valueOf(target.get("expr")));
                }
            }
        }
    }

    /** The metric names used by alerts and dashboard, with where each is used. */
    static Map<String, Set<String>> usedMetricNames() {
        Map<String, Set<String>> used = new java.util.TreeMap<>();
        ruleExpressions().forEach((rule, expr) -> metricNames(expr)
                .forEach(n -> used.computeIfAbsent(n, k -> new LinkedHashSet<>()).add("alerts.yml " + rule)));
        dashboardExpressions().forEach((panel, expr) -> metricNames(expr)
                .forEach(n -> used.computeIfAbsent(n, k -> new LinkedHashSet<>()).add("dashboard " + panel)));
        return used;
    }
}
