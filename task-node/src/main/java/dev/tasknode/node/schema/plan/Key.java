package dev.tasknode.node.schema.plan;

/**
 * The names objects go by in the dependency graph: {@code kind:name}, names as PostgreSQL stores them (unquoted),
 * relative to the schema being migrated. Any kind may add its own prefix ({@code function:f(integer)},
 * {@code policy:t.p}); {@code kind:table.member} keys are members of {@code table:table} (see {@link #parent}).
 */
public final class Key {
    private Key() {}

    public static String table(String t) {
        return "table:" + t;
    }

    public static String column(String t, String c) {
        return "column:" + t + "." + c;
    }

    /** A column's default: dropped and set apart from the column (it depends on what its expression names). */
    public static String columnDefault(String t, String c) {
        return "default:" + t + "." + c;
    }

    public static String constraint(String t, String k) {
        return "constraint:" + t + "." + k;
    }

    public static String index(String i) {
        return "index:" + i;
    }

    public static String type(String name) {
        return "type:" + name;
    }

    /**
     * The row type of table {@code t} (its columns, in order, with their types): changed by any step that adds, drops
     * or reshapes a column of an existing table. Not a member of the table (no dot), so only what names it is hit.
     */
    public static String rowType(String t) {
        return "rowtype:" + t;
    }

    public static String view(String v) {
        return "view:" + v;
    }

    public static String sequence(String s) {
        return "sequence:" + s;
    }

    /** A sequence's OWNED BY link: set after both the sequence and the column exist, removed before either goes. */
    public static String sequenceOwner(String s) {
        return "owned:" + s;
    }

    public static String extension(String e) {
        return "extension:" + e;
    }

    /**
     * The table a member key belongs to: {@code column:t.c}, {@code constraint:t.k}, and any other
     * {@code kind:t.name} whose table exists as a key ({@code trigger:t.g}, {@code policy:t.p}) → {@code table:t};
     * else null. Dropping a table drops its members; a change of a member touches what depends on the whole table.
     */
    public static String parent(String key) {
        int colon = key.indexOf(':');
        if (colon < 0 || key.startsWith("table:") || key.startsWith("function:") || key.startsWith("procedure:")) {
            return null;
        }
        int dot = key.indexOf('.', colon);
        return dot < 0 ? null : "table:" + key.substring(colon + 1, dot);
    }

    /** The table a step is about (its first member or table key), for messages; null when none. */
    public static String tableOf(Step.Keys k) {
        for (java.util.Set<String> set : java.util.List.of(k.creates(), k.alters(), k.drops(), k.dependsOn())) {
            for (String key : set) {
                String t = key.startsWith("table:") ? key : parent(key);
                if (t != null) {
                    return t.substring("table:".length());
                }
            }
        }
        return null;
    }
}
