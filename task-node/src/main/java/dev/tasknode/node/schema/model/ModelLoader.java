package dev.tasknode.node.schema.model;

import dev.tasknode.node.db.SchemaProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jooq.Parser;
import org.jooq.SQLDialect;
import org.jooq.conf.ParseUnknownFunctions;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.ParserException;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Reads the model files (a directory, or every jar's {@code classpath*:} folder) and validates each statement
 * with jOOQ's PostgreSQL parser, so bad DDL fails start-up with file and line before any task runs. The full
 * check, PostgreSQL's own, happens when the engine normalizes the model in a shadow schema.
 */
public final class ModelLoader {
    private ModelLoader() {}

    public static ModelSet load(SchemaProperties props) {
        String dir = props.getModelsDir();
        return dir == null || dir.isBlank() ? fromClasspath(props.getModelsClasspath()) : fromDirectory(Path.of(dir));
    }

    public static ModelSet fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model directory " + dir + " does not exist");
        }
        List<List<ModelFile>> sets = new ArrayList<>();
        for (ModelSet.Kind kind : ModelSet.Kind.values()) {
            List<ModelFile> files = new ArrayList<>();
            Path sub = dir.resolve(kind.folder());
            if (Files.isDirectory(sub)) {
                try (Stream<Path> s = Files.list(sub)) {
                    for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".sql"))
                            .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
                        files.add(new ModelFile(kind, kind.folder() + "/" + p.getFileName(), p.toString(),
                                Files.readString(p, StandardCharsets.UTF_8)));
                    }
                } catch (IOException e) {
                    throw new ModelException("cannot read model directory " + sub + ": " + e.getMessage(), e);
                }
            }
            sets.add(files);
        }
        return new ModelSet(sets.get(0), sets.get(1));
    }

    /**
     * Files of all jars under {@code base/shared} and {@code base/project}. Files are ordered by name across jars;
     * two jars shipping the same file name is an error (one would silently hide the other).
     */
    public static ModelSet fromClasspath(String base) {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        List<List<ModelFile>> sets = new ArrayList<>();
        for (ModelSet.Kind kind : ModelSet.Kind.values()) {
            Map<String, ModelFile> byName = new TreeMap<>();
            String pattern = "classpath*:" + base + "/" + kind.folder() + "/*.sql";
            try {
                for (Resource r : resolver.getResources(pattern)) {
                    String name = kind.folder() + "/" + r.getFilename();
                    String text;
                    try (InputStream in = r.getInputStream()) {
                        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    ModelFile f = new ModelFile(kind, name, r.getDescription(), text);
                    ModelFile other = byName.put(name, f);
                    if (other != null) {
                        throw new ModelException("model file " + name + " is shipped twice: " + other.origin()
                                + " and " + f.origin() + " (give each module's files distinct names)");
                    }
                }
            } catch (IOException e) {
                throw new ModelException("cannot list " + pattern + ": " + e.getMessage(), e);
            }
            sets.add(new ArrayList<>(byName.values()));
        }
        return new ModelSet(sets.get(0), sets.get(1));
    }

    /**
     * Parses every statement with jOOQ. Returns the statements jOOQ's open-source parser does not understand
     * (generated columns, operator classes, ...) as "file:line: message" notes: they are valid or not as
     * PostgreSQL decides when the engine runs the model in its shadow schema at start-up, which then fails with
     * file and line.
     */
    public static List<String> validate(ModelSet set) {
        List<String> notes = new ArrayList<>();
        Parser parser = DSL.using(SQLDialect.POSTGRES, new Settings()
                .withParseUnknownFunctions(ParseUnknownFunctions.IGNORE)).parser();
        for (ModelSet.Kind kind : ModelSet.Kind.values()) {
            for (ModelFile f : set.files(kind)) {
                for (SqlScript.Statement s : f.statements()) {
                    // placeholders become plain identifiers of the same line layout for the parser
                    String sql = ModelSet.bind(s.sql(), "\"schema\"", "\"shared\"");
                    try {
                        parser.parseQuery(sql);
                    } catch (ParserException e) {
                        int line = s.line() + Math.max(e.line(), 1) - 1;
                        notes.add(f.name() + ":" + line + ": " + firstLine(e.getMessage()));
                    }
                }
            }
        }
        return notes;
    }

    static String firstLine(String msg) {
        if (msg == null) {
            return "parse error";
        }
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    static String abbreviate(String sql) {
        String one = sql.replaceAll("\\s+", " ");
        return one.length() <= 120 ? one : one.substring(0, 117) + "...";
    }
}
