package dev.tasknode.node.schema.online;

import java.util.Locale;

/** apply/propose_migrations' {@code online} parameter (parsed and checked by the task catalog). */
public enum OnlineMode {
    /** online forms for tables whose row estimate is at least {@code large-table-rows} */
    AUTO,
    /** online forms for every existing table */
    ALWAYS,
    /** the plain statements, all in the schema's transaction (as before online forms existed) */
    NEVER;

    /** The catalog's value ("auto", "always", "never"); null = the default, auto. */
    public static OnlineMode of(String wire) {
        return wire == null ? AUTO : valueOf(wire.toUpperCase(Locale.ROOT));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
