package dev.tasknode.node.schema.inspect;

import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a schema has beyond tables, columns, keys, indexes, views, sequences and enums: row-level security and
 * policies, privileges, declarative partitioning, and the comments the other records do not carry (schema,
 * sequences, view columns). Normalized like the rest of {@link Catalog}: names of the schema itself and of the
 * shared schema are placeholders, roles are cluster-wide names (see {@link GrantRows} for why no placeholder).
 *
 * @param rls         tables (and partitions) with row-level security on: name → ENABLE / FORCE
 * @param policies    by "table.policy"
 * @param grants      every privilege someone other than the object's owner holds (see {@link GrantRows})
 * @param partitioned partitioned tables: name → pg_get_partkeydef ("RANGE (created_at)")
 * @param partitions  tables that are partitions of a table of the same schema, by name
 * @param comments    "schema", "sequence s", "column v.c" (view and materialized view columns) → text
 */
public record Extras(SortedMap<String, Rls> rls, SortedMap<String, Policy> policies, SortedSet<Grant> grants,
                     SortedMap<String, String> partitioned, SortedMap<String, Partition> partitions,
                     SortedMap<String, String> comments) {

    public static Extras empty() {
        return new Extras(new TreeMap<>(), new TreeMap<>(), new TreeSet<>(), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>());
    }

    public record Rls(boolean enabled, boolean forced) {}

    /**
     * @param command ALL, SELECT, INSERT, UPDATE, DELETE
     * @param roles   sorted role names; empty = PUBLIC
     * @param using   pg_get_expr of the USING expression, or null
     * @param check   pg_get_expr of the WITH CHECK expression, or null
     */
    public record Policy(String table, String name, boolean permissive, String command, List<String> roles,
                         String using, String check, String comment) {}

    /**
     * One privilege of one grantee on one object.
     *
     * @param kind    TABLE (also views, materialized views, partitions), SEQUENCE, FUNCTION, PROCEDURE, TYPE, SCHEMA
     * @param name    relation or type name; for routines the normalized signature ({@code {schema}.f(integer)});
     *                "" for the schema itself
     * @param column  column name for a column privilege, else ""
     * @param grantee role name, "PUBLIC" for everyone; "" (with privilege "") marks that a routine or type exists
     */
    public record Grant(String kind, String name, String column, String grantee, String privilege, boolean grantable)
            implements Comparable<Grant> {
        /** Identity without the grant option: the same privilege with or without it is one object. */
        public String key() {
            return kind + '\u0000' + name + '\u0000' + column + '\u0000' + grantee + '\u0000' + privilege;
        }

        public boolean marker() {
            return grantee.isEmpty();
        }

        @Override
        public int compareTo(Grant o) {
            int c = key().compareTo(o.key());
            return c != 0 ? c : Boolean.compare(grantable, o.grantable);
        }
    }

    /**
     * @param bound           pg_get_expr of the bound ("FOR VALUES FROM (...) TO (...)", "DEFAULT")
     * @param attachedIndexes the partition's indexes that are attached to an index of the parent (they follow it)
     * @param inherited       the partition's constraints that come from the parent
     */
    public record Partition(String name, String parent, String bound, SortedSet<String> attachedIndexes,
                            SortedSet<String> inherited) {}
}
