package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.plan.Key;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Graph keys of what a rendered text (a column type, a default, a check, a view) references in the schema being
 * migrated. The inspector renders every name outside pg_catalog qualified, as {@code {schema}.name}, so the
 * references can be read off the text: {@code '{schema}.s'::regclass} is a sequence, {@code ::{schema}.e} or a
 * bare column type {@code {schema}.e} a type. Names in {@code {shared}} are another schema's, planned before.
 */
public final class Refs {
    private Refs() {}

    private static final String NAME = "(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)";
    private static final Pattern REGCLASS = Pattern.compile("'\\{schema}\\." + NAME + "'::regclass");
    private static final Pattern CAST = Pattern.compile("::\\{schema}\\." + NAME);
    /** a call of a function of this schema (kinds-a): its key by name, which covers every overload */
    private static final Pattern CALL = Pattern.compile("(?<![\\w.\"]|::)\\{schema}\\." + NAME + "\\(");
    private static final Pattern TYPE = Pattern.compile("^\\{schema}\\." + NAME + "(?:\\[])*$");
    private static final Pattern COLUMNS = Pattern.compile("^\\S+ [tf] [tf] (\\d+) (\\S+) ");
    private static final Pattern REFERENCES = Pattern.compile("REFERENCES \\{schema}\\." + NAME + "\\(([^)]*)\\)");

    public static String unquote(String n) {
        return n.startsWith("\"") ? n.substring(1, n.length() - 1).replace("\"\"", "\"") : n;
    }

    /** Types and sequences an expression names (defaults, checks, generated columns, predicates). */
    public static Set<String> inExpression(String expr) {
        Set<String> out = new LinkedHashSet<>();
        if (expr == null) {
            return out;
        }
        Matcher m = REGCLASS.matcher(expr);
        while (m.find()) {
            out.add(Key.sequence(unquote(m.group(1))));
        }
        m = CAST.matcher(expr);
        while (m.find()) {
            out.add(Key.type(unquote(m.group(1))));
        }
        m = CALL.matcher(expr);
        while (m.find()) {
            out.add(routine(unquote(m.group(1))));
        }
        return out;
    }

    /** The key of every function or procedure named {@code name} (see {@link dev.tasknode.node.schema.diff.objects.Functions}). */
    public static String routine(String name) {
        return "routine:" + name;
    }

    /** The key of a collation of this schema from a rendered {@code COLLATE} name, else null. */
    public static String collation(String rendered) {
        if (rendered == null || !rendered.startsWith("{schema}.")) {
            return null;
        }
        return "collation:" + unquote(rendered.substring("{schema}.".length()));
    }

    /** The type key of a column type of this schema ({@code {schema}.status}, also arrays of it), else null. */
    public static String type(String columnType) {
        Matcher m = TYPE.matcher(columnType);
        return m.matches() ? Key.type(unquote(m.group(1))) : null;
    }

    /** What a column depends on: its type, and what its default or generation expression names. */
    public static Set<String> ofColumn(Catalog.Column c) {
        Set<String> out = new LinkedHashSet<>();
        String t = type(c.type());
        if (t != null) {
            out.add(t);
        }
        out.addAll(inExpression(c.dflt()));
        out.addAll(inExpression(c.generated()));
        String coll = collation(c.collation());
        if (coll != null) {
            out.add(coll);
        }
        return out;
    }

    /** Columns as keys of {@code table}. */
    public static List<String> columns(String table, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(Key.column(table, n));
        }
        return out;
    }

    /**
     * The columns of an index from its comparison key ({@link Catalog.Index#key}), key columns only or with the
     * INCLUDE ones, or null when one is an expression or the key does not parse (then it depends on the table).
     */
    public static List<String> indexColumns(Catalog.Index i, boolean keyOnly) {
        Matcher m = COLUMNS.matcher(i.key());
        if (!m.find()) {
            return null;
        }
        String[] cols = m.group(2).split(",");
        int keyCols = Integer.parseInt(m.group(1));
        List<String> out = new ArrayList<>();
        for (int k = 0; k < cols.length; k++) {
            if (cols[k].equals("*") || cols[k].contains("\"") && !cols[k].endsWith("\"")) {
                return null;
            }
            if (k < keyCols || !keyOnly) {
                out.add(unquote(cols[k]));
            }
        }
        return out;
    }

    /** Referenced table and columns of a foreign key into this schema, or null (into {shared}, or unparsable). */
    public static Referenced referenced(Catalog.Constraint fk) {
        Matcher m = REFERENCES.matcher(fk.def());
        if (fk.type() != 'f' || !m.find()) {
            return null;
        }
        List<String> cols = new ArrayList<>();
        for (String c : m.group(2).split(",\\s*")) {
            cols.add(unquote(c.strip()));
        }
        return new Referenced(unquote(m.group(1)), cols);
    }

    public record Referenced(String table, List<String> columns) {}

    /**
     * The key (unique or primary constraint, or unique index) of {@code cat} a foreign key uses: the one on exactly
     * the referenced columns. PostgreSQL records the choice in pg_constraint.conindid; any key on these columns is
     * the one a new foreign key would pick up, so depending on all of them is safe. Null when into {shared}.
     */
    public static List<String> keyOf(Catalog.Schema cat, Catalog.Constraint fk) {
        Referenced r = referenced(fk);
        if (r == null) {
            return List.of();
        }
        Catalog.Table t = cat.tables().get(r.table());
        List<String> out = new ArrayList<>();
        if (t == null) {
            out.add(Key.table(r.table()));
            return out;
        }
        Set<String> want = Set.copyOf(r.columns());
        for (Catalog.Constraint k : t.constraints().values()) {
            if ((k.type() == 'p' || k.type() == 'u') && Set.copyOf(k.columns()).equals(want)) {
                out.add(Key.constraint(t.name(), k.name()));
            }
        }
        for (Catalog.Index i : t.indexes().values()) {
            List<String> cols = indexColumns(i, true);
            if (i.unique() && !i.constraint() && i.key().endsWith(" WHERE") && cols != null
                    && Set.copyOf(cols).equals(want)) {
                out.add(Key.index(i.name()));
            }
        }
        return out;
    }
}
