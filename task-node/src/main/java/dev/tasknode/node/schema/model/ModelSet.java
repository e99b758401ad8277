package dev.tasknode.node.schema.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model: DDL files for the shared schema and for the project template, in file-name order.
 *
 * <p>Placeholders: {@code {schema}} is the schema the file is applied to (the shared schema for shared files, the
 * project's schema for project files); {@code {shared}} is the shared schema. Unqualified names resolve to
 * {@code {schema}} too (the files run with {@code search_path = {schema}, public}).
 */
public record ModelSet(List<ModelFile> shared, List<ModelFile> project) {
    public enum Kind {
        SHARED, PROJECT;

        public String folder() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String SCHEMA = "{schema}";
    public static final String SHARED = "{shared}";
    private static final Pattern EXTENSION = Pattern.compile(
            "(?i)^\\s*create\\s+extension\\s+(?:if\\s+not\\s+exists\\s+)?\"?([\\w-]+)\"?");

    public ModelSet {
        shared = List.copyOf(shared);
        project = List.copyOf(project);
    }

    public List<ModelFile> files(Kind kind) {
        return kind == Kind.SHARED ? shared : project;
    }

    /** Extensions the model creates ({@code CREATE EXTENSION}): the engine creates those missing in the database. */
    public Set<String> extensions() {
        Set<String> out = new TreeSet<>();
        for (Kind k : Kind.values()) {
            for (ModelFile f : files(k)) {
                for (SqlScript.Statement s : f.statements()) {
                    Matcher m = EXTENSION.matcher(s.sql());
                    if (m.find()) {
                        out.add(m.group(1).toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return out;
    }

    /** Identifies the model's text (file names and contents). */
    public String digest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Kind k : Kind.values()) {
                for (ModelFile f : files(k)) {
                    md.update(f.name().getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                    md.update(f.text().getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                }
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A statement with its placeholders replaced by (quoted) schema names. */
    public static String bind(String sql, String schemaQuoted, String sharedQuoted) {
        return sql.replace(SCHEMA, schemaQuoted).replace(SHARED, sharedQuoted);
    }
}
