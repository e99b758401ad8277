package dev.tasknode.node.schema.plan;

import java.util.List;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/** Rendering helpers: identifiers are quoted by jOOQ's PostgreSQL renderer, literals escaped the standard way. */
public final class Sql {
    private Sql() {}

    private static final DSLContext PG = DSL.using(SQLDialect.POSTGRES,
            new Settings().withRenderQuotedNames(RenderQuotedNames.ALWAYS));

    /** A quoted identifier. */
    public static String q(String name) {
        return PG.render(DSL.name(name));
    }

    /** {@code {schema}."name"}: a relation of the schema being migrated. */
    public static String rel(String name) {
        return "{schema}." + q(name);
    }

    public static String cols(List<String> names) {
        return names.stream().map(Sql::q).collect(Collectors.joining(", "));
    }

    public static String literal(String s) {
        return s == null ? "NULL" : PG.render(DSL.inline(s));
    }
}
