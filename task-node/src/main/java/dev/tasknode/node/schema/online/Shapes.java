package dev.tasknode.node.schema.online;

import dev.tasknode.node.schema.plan.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognizes planned statements by their shape (the text the planner renders) and names the locks PostgreSQL
 * takes for them. A statement of a shape not listed here keeps its planned form: the online stage needs no
 * knowledge of new step kinds to stay correct.
 */
final class Shapes {
    private Shapes() {}

    /** An identifier as rendered: quoted ("a ""b""") or bare. */
    private static final String NAME = "(?:\"(?:[^\"]|\"\")+\"|[^\\s\"(.,;]+)";
    /** A relation: this schema's, the shared schema's, or unqualified. */
    private static final String REL = "((?:\\{schema\\}\\.|\\{shared\\}\\.)?" + NAME + ")";

    static final Pattern CREATE_INDEX = Pattern.compile("^CREATE (UNIQUE )?INDEX (" + NAME + ") ON (ONLY )?" + REL + " (USING .*)$",
            Pattern.DOTALL);
    static final Pattern DROP_INDEX = Pattern.compile("^DROP INDEX \\{schema\\}\\.(" + NAME + ")$");
    static final Pattern ADD_CONSTRAINT = Pattern.compile("^ALTER TABLE " + REL + " ADD CONSTRAINT (" + NAME + ") (.*)$",
            Pattern.DOTALL);
    static final Pattern DROP_CONSTRAINT = Pattern.compile("^ALTER TABLE " + REL + " DROP CONSTRAINT (" + NAME + ")$");
    static final Pattern SET_NOT_NULL = Pattern.compile("^ALTER TABLE " + REL + " ALTER COLUMN (" + NAME + ") SET NOT NULL$");
    static final Pattern ALTER_TABLE = Pattern.compile("^ALTER TABLE (?:ONLY )?" + REL + " ");
    static final Pattern DROP_TABLE = Pattern.compile("^DROP TABLE (.*)$", Pattern.DOTALL);
    static final Pattern REFERENCES = Pattern.compile("REFERENCES " + REL + "\\s*\\(");
    /** pg_get_constraintdef of a primary or unique key that an index can back as it is */
    static final Pattern KEY = Pattern.compile("^(PRIMARY KEY|UNIQUE)( NULLS NOT DISTINCT)? \\(([^)]*)\\)"
            + "( INCLUDE \\([^)]*\\))?((?: DEFERRABLE)?(?: INITIALLY (?:DEFERRED|IMMEDIATE))?)$");

    static final String HELPER_PREFIX = "tasknode_nn_";

    /** The name in a catalog: quotes removed. */
    static String unquote(String name) {
        if (name.startsWith("\"") && name.endsWith("\"") && name.length() >= 2) {
            return name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        return name;
    }

    /** The table name of a relation of this schema, or null for another schema's. */
    static String table(String rel) {
        if (rel.startsWith("{shared}.")) {
            return null;
        }
        return unquote(rel.startsWith("{schema}.") ? rel.substring("{schema}.".length()) : rel);
    }

    /** What the reviewer reads for a relation: {@code t} for this schema's, {@code {shared}.t} for the shared one's. */
    static String shown(String rel) {
        String t = table(rel);
        return t == null ? rel : t;
    }

    /**
     * The helper check that proves a column NOT NULL before SET NOT NULL (PostgreSQL ≥ 12 then skips the scan).
     * Recognized by its prefix when an interrupted run left it behind.
     */
    static String helperName(String column) {
        String n = HELPER_PREFIX + column;
        if (n.getBytes(StandardCharsets.UTF_8).length <= 63) {
            return n;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(column.getBytes(StandardCharsets.UTF_8));
            return HELPER_PREFIX + HexFormat.of().formatHex(d).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String q(String name) {
        return Sql.q(name);
    }

    /** The lock a statement in its planned form takes, or null when it takes none on an existing table. */
    static String plainLock(String sql) {
        Matcher m = CREATE_INDEX.matcher(sql);
        if (m.matches()) {
            return "SHARE on " + shown(m.group(4)) + " (writes wait while it builds)";
        }
        if ((m = ADD_CONSTRAINT.matcher(sql)).matches()) {
            String def = m.group(3);
            if (def.startsWith("FOREIGN KEY")) {
                Matcher r = REFERENCES.matcher(def);
                return "SHARE ROW EXCLUSIVE on " + shown(m.group(1)) + (r.find() ? " and " + shown(r.group(1)) : "");
            }
            return "ACCESS EXCLUSIVE on " + shown(m.group(1));
        }
        if ((m = ALTER_TABLE.matcher(sql)).find()) {
            return "ACCESS EXCLUSIVE on " + shown(m.group(1));
        }
        if (sql.startsWith("DROP INDEX")) {
            return "ACCESS EXCLUSIVE on the index's table";
        }
        if ((m = DROP_TABLE.matcher(sql)).matches()) {
            return "ACCESS EXCLUSIVE on " + m.group(1).replace("{schema}.", "");
        }
        return null;
    }

    /** The table (of this schema) a CREATE INDEX or ALTER TABLE statement is about, or null. */
    static String tableOf(String sql) {
        Matcher m = CREATE_INDEX.matcher(sql);
        if (m.matches()) {
            return table(m.group(4));
        }
        m = ALTER_TABLE.matcher(sql);
        return m.find() ? table(m.group(1)) : null;
    }

    /** Why a locking statement that stays locking has no online form (the reviewer's "why not"). */
    static String whyNotOnline(String sql) {
        if (sql.contains(" TYPE ")) {
            return "a type change that rewrites the table has no online form";
        }
        if (sql.contains(" ADD COLUMN ")) {
            return "the new column's default or expression rewrites every row: no online form";
        }
        if (sql.contains("MATERIALIZED VIEW")) {
            return "a materialized view is filled under its own lock: no online form";
        }
        if (sql.contains(" EXCLUDE ")) {
            return "an exclusion constraint cannot be built concurrently";
        }
        if (sql.contains(" ON ONLY ")) {
            return "an index on a partitioned table cannot be built concurrently";
        }
        return "no online form for this statement";
    }
}
