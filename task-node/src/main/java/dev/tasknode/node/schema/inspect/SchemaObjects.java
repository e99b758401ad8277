package dev.tasknode.node.schema.inspect;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A schema's functions, procedures, triggers, domains, composite types and collations, normalized like the rest
 * of {@link Catalog} ({@code {schema}} / {@code {shared}} in every rendered text), so they enter the fingerprint.
 * {@code extensionVersions}: live, the installed version of each extension the model needs; desired, the versions
 * the model pins (see {@link dev.tasknode.node.schema.inspect.shadow.ExtensionVersions}).
 */
public record SchemaObjects(SortedMap<String, Function> functions, SortedMap<String, Trigger> triggers,
                            SortedMap<String, Domain> domains, SortedMap<String, Composite> composites,
                            SortedMap<String, Collation> collations, SortedMap<String, String> extensionVersions) {

    /** Nothing of these kinds: the fingerprint then stays what it was before they were read. */
    public boolean isEmpty() {
        return functions.isEmpty() && triggers.isEmpty() && domains.isEmpty() && composites.isEmpty() && collations.isEmpty()
                && extensionVersions.isEmpty();
    }

    public static SchemaObjects empty() {
        return new SchemaObjects(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>());
    }

    /**
     * A function or procedure.
     *
     * @param key         name and argument types, without the schema ({@code add(integer,integer)}): overloads
     *                    are distinct objects
     * @param procedure   prokind 'p'
     * @param def         pg_get_functiondef: the CREATE OR REPLACE statement
     * @param arguments   pg_get_function_arguments (names, modes, defaults): CREATE OR REPLACE cannot change them
     * @param result      pg_get_function_result: CREATE OR REPLACE cannot change it
     * @param usedByTables a column default, check constraint or index uses it: it is created before tables
     */
    public record Function(String key, boolean procedure, String def, String arguments, String result,
                           boolean usedByTables, String comment) {
        @Override
        public String toString() { // the fingerprint: usedByTables follows from the tables
            return "Function[" + key + "," + procedure + "," + def + "," + comment + "]";
        }
    }

    /**
     * @param table    the table or view it is on
     * @param def      pg_get_triggerdef
     * @param enabled  pg_trigger.tgenabled: O (origin, the default), D disabled, R replica, A always
     * @param function key of the function it calls, when that function is in the same schema, else null
     * @param columns  the table's columns it names (UPDATE OF, WHEN): it must be rebuilt when one is reshaped
     */
    public record Trigger(String table, String name, String def, char enabled, String function, String comment,
                          List<String> columns) {}

    /**
     * @param collation     non-default collation, qualified, else null
     * @param checks        check constraints by name: pg_get_constraintdef
     * @param checkComments comments on those constraints, by name
     */
    public record Domain(String name, String baseType, boolean notNull, String dflt, String collation,
                         SortedMap<String, String> checks, SortedMap<String, String> checkComments, String comment) {}

    public record Composite(String name, List<Attribute> attributes, String comment) {}

    /** @param collation non-default collation, qualified, else null */
    public record Attribute(String name, String type, String collation, String comment) {}

    /** @param provider c (libc), i (icu), d (default); {@code locale} is the ICU locale */
    public record Collation(String name, char provider, String collate, String ctype, String locale,
                            boolean deterministic, String comment) {}
}
