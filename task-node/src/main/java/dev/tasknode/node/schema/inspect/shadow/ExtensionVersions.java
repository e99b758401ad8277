package dev.tasknode.node.schema.inspect.shadow;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.model.SqlScript;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extension versions the model pins: {@code CREATE EXTENSION x VERSION '1.2'} or {@code ALTER EXTENSION x UPDATE TO
 * '1.2'} (the last statement wins). An extension is database-wide, so its version is the shared schema's business:
 * only the shared desired catalog carries the pins, and only applying the shared schema updates an extension (a
 * project plan never does: projects applied in parallel would race on the same catalog row). Extensions the model
 * does not pin are never updated or compared.
 */
public final class ExtensionVersions {
    private ExtensionVersions() {}

    private static final Pattern CREATE = Pattern.compile(
            "(?is)^\\s*create\\s+extension\\s+(?:if\\s+not\\s+exists\\s+)?\"?([\\w-]+)\"?.*?\\bversion\\s+(?:'([^']*)'|\"?([\\w.-]+)\"?)");
    private static final Pattern UPDATE = Pattern.compile(
            "(?is)^\\s*alter\\s+extension\\s+\"?([\\w-]+)\"?\\s+update(?:\\s+to\\s+(?:'([^']*)'|\"?([\\w.-]+)\"?))?");

    /** Extension → pinned version, from every model file. */
    public static Map<String, String> pinned(ModelSet model) {
        Map<String, String> out = new TreeMap<>();
        for (ModelSet.Kind k : ModelSet.Kind.values()) {
            for (ModelFile f : model.files(k)) {
                for (SqlScript.Statement s : f.statements()) {
                    for (Pattern p : new Pattern[] {CREATE, UPDATE}) {
                        Matcher m = p.matcher(s.sql());
                        if (m.find() && (m.group(2) != null || m.group(3) != null)) {
                            out.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The desired catalog with the model's pins as its extension versions (unpinned ones are not compared). */
    public static Catalog.Schema pin(Catalog.Schema desired, Map<String, String> pins) {
        desired.objects().extensionVersions().clear();
        desired.objects().extensionVersions().putAll(pins);
        return desired;
    }
}
