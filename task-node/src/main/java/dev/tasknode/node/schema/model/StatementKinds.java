package dev.tasknode.node.schema.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one table of what a model may contain. Every model statement is classified here; a statement whose kind is
 * not managed stops start-up with file, line and kind (the engine would otherwise run it in the shadow, not read
 * it back, and report "matches the model" while the object is missing live). The shadow's catalog safety net
 * ({@code inspect/shadow/Unmanaged}) refuses the same kinds by what the shadow holds, for what the patterns miss.
 *
 * <p>To manage a kind: inspect and diff it, then set its {@code managed} flag to {@code true} below (both the
 * statement check and the catalog safety net then accept it). A statement form that no rule knows is refused as
 * {@link Kind#UNKNOWN}: add a rule in {@link #RULES} (first match wins) or {@link #ACTIONS} (ALTER TABLE actions).
 */
public final class StatementKinds {
    private StatementKinds() {}

    public enum Kind {
        // managed since the start
        TABLE("table", true, null),
        INDEX("index", true, null),
        VIEW("view", true, null),
        MATERIALIZED_VIEW("materialized view", true, null),
        SEQUENCE("sequence", true, null),
        ENUM_TYPE("enum type", true, null),
        EXTENSION("extension", true, null),
        COMMENT("comment on a table, column, view, index, constraint or enum type", true, null),

        // issue 10, engine: relation storage (diff/Storage); TOAST options are not read, so they stay STORAGE
        RELATION_OPTIONS("storage parameters (WITH (…)) of a table, index, view or materialized view", true, null),
        UNLOGGED("unlogged table or sequence", true, null),

        // issue 10, kinds-a: set managed = true once inspected and diffed
        FUNCTION("function or procedure", true, null),

        TRIGGER("trigger", true, null),

        DOMAIN("domain", true, null),

        COMPOSITE_TYPE("composite type", true, null),

        COLLATION("collation", true, null),

        EXTENSION_VERSION("extension version (VERSION / ALTER EXTENSION … UPDATE)", true, null),

        // issue 10, kinds-b: set managed = true once inspected and diffed
        ROW_LEVEL_SECURITY("row-level security (ENABLE / FORCE)", true, null),

        POLICY("row-level security policy", true, null),

        PRIVILEGE("privilege (GRANT / REVOKE on the schema, relations, columns, sequences, routines, types)", true, null),

        DEFAULT_PRIVILEGES("default privileges (ALTER DEFAULT PRIVILEGES)", false, null),

        PARTITIONING("declarative partitioning (PARTITION BY / PARTITION OF / ATTACH / DETACH)", true, null),

        SEQUENCE_COMMENT("comment on a sequence", true, null),

        SCHEMA_COMMENT("comment on a schema", true, null),

        OTHER_COMMENT("comment on this kind of object", false, null),

        // not managed; nobody works on them
        RULE("rule", false, null),
        AGGREGATE("aggregate", false, null),
        RANGE_TYPE("range type", false, null),
        BASE_TYPE("base or shell type", false, null),
        OPERATOR("operator, operator class or family", false, null),
        STATISTICS("extended statistics", false, null),
        TEXT_SEARCH("text search configuration", false, null),
        CAST_OR_CONVERSION("cast, conversion, transform, language or access method", false, null),
        FOREIGN("foreign data (wrapper, server, user mapping, foreign table)", false, null),
        INHERITANCE("table inheritance (INHERITS) or typed table (OF)", false, null),
        STORAGE("storage options (tablespace, access method, TOAST parameters, CLUSTER ON, REPLICA IDENTITY, column "
                + "STATISTICS/STORAGE/COMPRESSION, view column defaults)", false, null),
        OWNER("ownership (OWNER TO)", false, null),
        SECURITY_LABEL("security label", false, null),
        EVENT_TRIGGER("event trigger", false, null),

        // never part of a model
        SCHEMA("schema", false, "a model describes {schema} and {shared} only: create other schemas outside the model"),
        OUTSIDE("object outside the model's schemas", false,
                "every object of a model lands in {schema} (unqualified names too); {shared} holds the shared model"),
        EXTENSION_OPTIONS("extension SCHEMA / CASCADE", false, "the engine creates extensions WITH SCHEMA public; "
                + "list each needed extension with its own CREATE EXTENSION"),
        TEMPORARY("temporary object", false, "temporary objects vanish with the session"),
        TABLE_AS("CREATE TABLE … AS / SELECT INTO", false, "it copies data; write the table's columns"),
        DATA("data statement", false, "a model is declarative DDL; load data outside the model"),
        TRANSACTION("transaction control", false, "each file runs in the engine's own transaction"),
        SESSION("session or maintenance statement", false, "it changes no schema object"),
        CODE("anonymous code block (DO)", false, "its effects cannot be managed; write the DDL itself"),
        DROP("DROP", false, "a model says what exists; the engine drops what the model no longer has"),
        GLOBAL("database-wide object (role, database, tablespace, publication, subscription)", false,
                "it is not part of a schema; manage it outside the model"),
        UNKNOWN("unrecognised statement", false, null);

        private final String label;
        private final boolean managed;
        private final String why;

        Kind(String label, boolean managed, String why) {
            this.label = label;
            this.managed = managed;
            this.why = why;
        }

        public String label() {
            return label;
        }

        public boolean managed() {
            return managed;
        }

        /** Why a model may never contain it, or null (the engine just does not manage it yet). */
        public String why() {
            return why;
        }
    }

    private record Rule(Pattern pattern, Kind kind) {}

    /** A name in a shape: {@code {schema}.tasks}, {@code "q"} stands for a quoted identifier. */
    private static final String N = "[^\\s(),;]+";

    /** Start of a storage-parameter rule: TOAST parameters live on the TOAST table, which the inspector does not read. */
    private static final String NO_TOAST = "^(?!.*\\btoast\\.)";

    /** Over {@link #shape}: lower case, one space between tokens, literals and quoted names blanked. First match wins. */
    private static final List<Rule> RULES = List.of(
            rule(Kind.TRANSACTION, "^(begin|start transaction|commit|end|rollback|abort|savepoint|release|prepare transaction)\\b"),
            rule(Kind.DATA, "^(insert|update|delete|merge|copy|truncate|select|values|table|with|call|import)\\b"),
            rule(Kind.SESSION, "^(set|reset|show|discard|lock|listen|notify|unlisten|load|checkpoint|vacuum|analyze|analyse|"
                    + "cluster|reindex|refresh|prepare|execute|deallocate|declare|fetch|move|close|explain)\\b"),
            rule(Kind.CODE, "^do\\b"),
            rule(Kind.DROP, "^drop\\b"),
            rule(Kind.FOREIGN, "^(create|alter) (user mapping|server|foreign data wrapper|foreign table)\\b"),
            rule(Kind.GLOBAL, "^(create|alter) (role|user|group|database|tablespace|publication|subscription)\\b"),
            rule(Kind.DEFAULT_PRIVILEGES, "^alter default privileges\\b"),
            rule(Kind.GLOBAL, "^(grant|revoke) .* on (database|tablespace|foreign data wrapper|foreign server|language"
                    + "|large object|parameter)\\b|^grant (?!.* on ).* to |^revoke (?!.* on ).* from "),
            rule(Kind.PRIVILEGE, "^(grant|revoke)\\b"),
            rule(Kind.OWNER, "^alter .* owner to\\b"),
            rule(Kind.SECURITY_LABEL, "^security label\\b"),
            rule(Kind.SCHEMA, "^(create|alter) schema\\b"),
            rule(Kind.TEMPORARY, "^create (or replace )?(global |local )?(temp|temporary)\\b"),
            rule(Kind.EVENT_TRIGGER, "^(create|alter) event trigger\\b|^comment on event trigger\\b"),
            rule(Kind.FUNCTION, "^create (or replace )?(function|procedure)\\b|^alter (function|procedure|routine)\\b"
                    + "|^comment on (function|procedure|routine)\\b"),
            rule(Kind.AGGREGATE, "^(create (or replace )?|alter )aggregate\\b|^comment on aggregate\\b"),
            rule(Kind.TRIGGER, "^create (or replace )?(constraint )?trigger\\b|^alter trigger\\b|^comment on trigger\\b"),
            rule(Kind.POLICY, "^(create|alter) policy\\b|^comment on policy\\b"),
            rule(Kind.DOMAIN, "^(create|alter) domain\\b|^comment on domain\\b|^comment on constraint " + N + " on domain\\b"),
            rule(Kind.ENUM_TYPE, "^create type " + N + " as enum\\b|^alter type " + N + " (add value|rename value)\\b"),
            rule(Kind.COMPOSITE_TYPE, "^create type " + N + " as \\(|^alter type " + N + " (add|drop|alter) attribute\\b"),
            rule(Kind.RANGE_TYPE, "^create type " + N + " as range\\b"),
            rule(Kind.BASE_TYPE, "^create type " + N + "( \\(|$)"),
            rule(Kind.COLLATION, "^(create|alter) collation\\b|^comment on collation\\b"),
            rule(Kind.EXTENSION_VERSION, "^create extension .*\\bversion\\b|^alter extension " + N + " update\\b"),
            rule(Kind.EXTENSION_OPTIONS, "^create extension .*\\b(schema (?!public\\b)|cascade\\b)|^alter extension\\b"),
            rule(Kind.EXTENSION, "^create extension\\b"),
            rule(Kind.SEQUENCE_COMMENT, "^comment on sequence\\b"),
            rule(Kind.SCHEMA_COMMENT, "^comment on schema\\b"),
            rule(Kind.COMMENT, "^comment on (table|column|view|materialized view|index|type|constraint " + N + " on " + N + ")\\b"),
            rule(Kind.OTHER_COMMENT, "^comment on\\b"),
            rule(Kind.RULE, "^create (or replace )?rule\\b|^alter rule\\b"),
            rule(Kind.OPERATOR, "^(create|alter) operator\\b"),
            rule(Kind.STATISTICS, "^(create|alter) statistics\\b"),
            rule(Kind.TEXT_SEARCH, "^(create|alter) text search\\b"),
            rule(Kind.CAST_OR_CONVERSION, "^create (or replace )?((default )?conversion|cast|transform|(trusted )?(procedural )?language"
                    + "|access method)\\b|^alter (conversion|language)\\b"),
            rule(Kind.SEQUENCE, "^create (unlogged )?sequence\\b|^alter sequence\\b"),
            rule(Kind.VIEW, "^create (or replace )?(recursive )?view\\b|^alter view " + N + " rename\\b"),
            rule(Kind.RELATION_OPTIONS, NO_TOAST + "alter (materialized )?view " + N + " (set|reset) \\("),
            rule(Kind.STORAGE, "^alter (materialized )?view\\b"),
            rule(Kind.RELATION_OPTIONS, NO_TOAST + "create materialized view (if not exists )?" + N + " (\\([^()]*\\) )?with ?\\("),
            rule(Kind.STORAGE, "^create materialized view (if not exists )?" + N + " (\\([^()]*\\) )?(with ?\\(|(tablespace|using)\\b)"),
            rule(Kind.MATERIALIZED_VIEW, "^create materialized view\\b|^alter materialized view " + N + " rename\\b"),
            rule(Kind.PARTITIONING, "^alter index " + N + " attach partition\\b"),
            rule(Kind.INDEX, "^create (unique )?index\\b|^alter index " + N + " rename\\b"),
            rule(Kind.RELATION_OPTIONS, NO_TOAST + "alter index " + N + " (set|reset) \\("),
            rule(Kind.STORAGE, "^alter index\\b"),
            // CREATE UNLOGGED TABLE is managed: the table rules below take it like CREATE TABLE
            rule(Kind.TABLE_AS, "^create (unlogged )?table (if not exists )?" + N + " (\\([^()]*\\) )?(as|execute)\\b|^select .* into\\b"),
            rule(Kind.PARTITIONING, "^create (unlogged )?table .*\\bpartition (of|by)\\b"),
            rule(Kind.INHERITANCE, "^create (unlogged )?table .*\\binherits ?\\(|^create (unlogged )?table (if not exists )?" + N + " of\\b"),
            rule(Kind.STORAGE, "^create (unlogged )?table .*\\) ((tablespace|using)\\b|with ?\\(.*\\) (tablespace|using)\\b)"),
            rule(Kind.RELATION_OPTIONS, NO_TOAST + "create (unlogged )?table .*\\) with ?\\("),
            rule(Kind.STORAGE, "^create (unlogged )?table .*\\) with ?\\("),
            rule(Kind.TABLE, "^create (unlogged )?table\\b"));

    /** ALTER TABLE actions, each classified on its own (an ALTER TABLE may carry several, comma-separated). */
    private static final List<Rule> ACTIONS = List.of(
            rule(Kind.ROW_LEVEL_SECURITY, "^(enable|disable|force|no force) row level security\\b"),
            rule(Kind.TRIGGER, "^(enable|disable) (always |replica )?trigger\\b"),
            rule(Kind.RULE, "^(enable|disable) (always |replica )?rule\\b"),
            rule(Kind.PARTITIONING, "^(attach|detach) partition\\b"),
            rule(Kind.INHERITANCE, "^(no )?inherit\\b|^(not )?of\\b"),
            rule(Kind.OWNER, "^owner to\\b"),
            rule(Kind.SCHEMA, "^set schema\\b"),
            rule(Kind.RELATION_OPTIONS, NO_TOAST + "(set|reset) \\("),
            rule(Kind.UNLOGGED, "^set (logged|unlogged)\\b"),
            rule(Kind.STORAGE, "^(set|reset) \\(|^set (tablespace|without|access method)\\b|^cluster on\\b"
                    + "|^replica identity\\b|^alter (column )?" + N + " (set|reset) (statistics|storage|compression|\\()"),
            rule(Kind.TABLE, "^(add|drop|rename|validate constraint|alter constraint)\\b"),
            rule(Kind.TABLE, "^alter (column )?" + N + " (type|set data type|set default|drop default|set not null|drop not null"
                    + "|add generated|set generated|drop identity|restart|set (start|increment|minvalue|maxvalue|no|cache|cycle)"
                    + "|drop expression|using)\\b"));

    private static final Pattern ALTER_TABLE = Pattern.compile("^alter table (if exists )?(only )?" + N + " (.*)$");

    private static Rule rule(Kind k, String regex) {
        return new Rule(Pattern.compile(regex), k);
    }

    /** The kind of one statement; for an ALTER TABLE, the first action that is not managed (else TABLE). */
    public static Kind classify(String sql) {
        String shape = shape(sql);
        var m = ALTER_TABLE.matcher(shape);
        if (m.matches()) {
            for (String action : topLevelCommas(m.group(3))) {
                Kind k = first(ACTIONS, action.strip());
                if (!k.managed()) {
                    return k;
                }
            }
            return Kind.TABLE;
        }
        return first(RULES, shape);
    }

    private static Kind first(List<Rule> rules, String shape) {
        for (Rule r : rules) {
            if (r.pattern().matcher(shape).find()) {
                return r.kind();
            }
        }
        return Kind.UNKNOWN;
    }

    /** Every statement of the model whose kind is not managed, as "file:line: …" messages. */
    public static List<String> refusals(ModelSet model) {
        List<String> out = new ArrayList<>();
        for (ModelSet.Kind set : ModelSet.Kind.values()) {
            for (ModelFile f : model.files(set)) {
                for (SqlScript.Statement s : f.statements()) {
                    Kind k = classify(s.sql());
                    if (!k.managed()) {
                        out.add(f.name() + ":" + s.line() + ": " + describe(k) + " — in: " + ModelLoader.abbreviate(s.sql()));
                    }
                }
            }
        }
        return out;
    }

    /** Start-up: a model with any statement the engine does not manage is refused, every such statement listed. */
    public static void check(ModelSet model) {
        List<String> r = refusals(model);
        if (!r.isEmpty()) {
            throw new ModelException("the model has " + r.size() + " statement(s) the schema engine does not manage "
                    + "(nothing was changed; see docs/schema-engine.md, 'What a model may contain'):\n  "
                    + String.join("\n  ", r));
        }
    }

    /** "trigger is not managed by the schema engine" plus why it never will be, when that is so. */
    public static String describe(Kind k) {
        String s = k == Kind.UNKNOWN ? "unrecognised statement, not managed by the schema engine"
                : k.label() + (k.why() == null ? " is not managed by the schema engine (yet)" : " has no place in a model");
        return k.why() == null ? s : s + ": " + k.why();
    }

    /**
     * The statement reduced to what classification needs: comments dropped, string and dollar-quoted literals as
     * {@code ''}, quoted identifiers as {@code "q"}, lower case, single spaces.
     */
    static String shape(String sql) {
        StringBuilder b = new StringBuilder(Math.min(sql.length(), 4096));
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && sql.startsWith("--", i)) {
                int e = sql.indexOf('\n', i);
                i = e < 0 ? n : e + 1;
                b.append(' ');
            } else if (c == '/' && sql.startsWith("/*", i)) {
                int e = sql.indexOf("*/", i + 2);
                i = e < 0 ? n : e + 2;
                b.append(' ');
            } else if (c == '\'' || c == '"') {
                int j = i + 1;
                boolean esc = c == '\'' && i > 0 && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E');
                while (j < n) {
                    char d = sql.charAt(j);
                    if (esc && d == '\\') {
                        j += 2;
                        continue;
                    }
                    if (d == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                i = j + 1;
                b.append(c == '"' ? "\"q\"" : "''");
            } else if (c == '$' && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))
                    && sql.indexOf('$', i + 1) > 0 && sql.substring(i + 1, sql.indexOf('$', i + 1)).matches("[A-Za-z_]\\w*|")) {
                String tag = sql.substring(i, sql.indexOf('$', i + 1) + 1);
                int e = sql.indexOf(tag, i + tag.length());
                i = e < 0 ? n : e + tag.length();
                b.append("''");
            } else if (Character.isWhitespace(c)) {
                if (!b.isEmpty() && b.charAt(b.length() - 1) != ' ') {
                    b.append(' ');
                }
                i++;
            } else {
                b.append(Character.toLowerCase(c));
                i++;
            }
        }
        return b.toString().strip().replaceAll(" {2,}", " ").toLowerCase(Locale.ROOT);
    }

    /** Splits at commas outside parentheses. */
    private static List<String> topLevelCommas(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(from, i));
                from = i + 1;
            }
        }
        out.add(s.substring(from));
        return out;
    }
}
