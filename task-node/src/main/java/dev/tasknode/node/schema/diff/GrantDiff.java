package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.diff.tables.PartitionDiff;
import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.Extras;
import dev.tasknode.node.schema.plan.Key;
import dev.tasknode.node.schema.plan.Phase;
import dev.tasknode.node.schema.plan.Sql;
import dev.tasknode.node.schema.plan.Step;
import dev.tasknode.node.schema.plan.Step.Safety;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Privileges (GRANT / REVOKE, WITH GRANT OPTION) on the schema, relations, columns, sequences, routines and
 * types. A grant is safe; a revoke, also of the grant option alone, is destructive: a role loses access the
 * application may rely on. Privileges on an object this plan drops go with it (nothing is revoked); on an object
 * it re-creates (a replaced view) every privilege of the model is granted again. One statement per object,
 * grantee and grant option, listing its privileges. In the graph a grant depends on its object (and columns):
 * granted after it is created, revoked before it is dropped.
 */
final class GrantDiff {
    private GrantDiff() {}

    static void diff(Differ.Ctx x, PartitionDiff.Split split) {
        Catalog.Schema cur = split.fullCur();
        Catalog.Schema want = split.fullWant();
        Set<String> wantedObjects = new HashSet<>();
        Map<String, Extras.Grant> wanted = new TreeMap<>();
        for (Extras.Grant g : want.extras().grants()) {
            wantedObjects.add(g.kind() + '\u0000' + g.name());
            if (!g.marker()) {
                wanted.put(g.key(), g);
            }
        }
        Map<String, Extras.Grant> have = new TreeMap<>();
        Set<String> existing = new HashSet<>();
        for (Extras.Grant g : cur.extras().grants()) {
            if (kept(split, g, wantedObjects)) {
                existing.add(g.kind() + '\u0000' + g.name());
                if (!g.marker()) {
                    have.put(g.key(), g);
                }
            }
        }
        // a new routine or type comes with PUBLIC's default privilege: the model may revoke it
        Set<String> implicit = new HashSet<>();
        for (Extras.Grant g : want.extras().grants()) {
            if (g.marker() && !exists(cur, existing, g)) {
                Extras.Grant d = publicDefault(g);
                if (d != null) {
                    have.put(d.key(), d);
                    implicit.add(d.key());
                }
            }
        }
        // grouped by statement: target + grantee (+ grant option), privileges in catalog order
        Map<String, List<Extras.Grant>> revoke = new LinkedHashMap<>();
        Map<String, List<Extras.Grant>> revokeOption = new LinkedHashMap<>();
        Map<String, List<Extras.Grant>> grant = new LinkedHashMap<>();
        for (Extras.Grant c : have.values()) {
            Extras.Grant w = wanted.get(c.key());
            if (w == null) {
                revoke.computeIfAbsent(group(c), k -> new ArrayList<>()).add(c);
            } else if (c.grantable() && !w.grantable()) {
                revokeOption.computeIfAbsent(group(c), k -> new ArrayList<>()).add(c);
            }
        }
        for (Extras.Grant w : wanted.values()) {
            Extras.Grant c = have.get(w.key());
            if (c == null || (w.grantable() && !c.grantable())) {
                grant.computeIfAbsent(group(w) + w.grantable(), k -> new ArrayList<>()).add(w);
            }
        }
        revoke.values().forEach(gs -> x.add(implicit.contains(gs.getFirst().key())
                ? revokeDefault(want, gs.getFirst(), "new object: PUBLIC's default privilege revoked", true)
                : new Step(Phase.COMMENT, "REVOKE " + privileges(gs) + " ON " + target(gs.getFirst())
                + " FROM " + grantee(gs.getFirst()), Safety.DESTRUCTIVE, "removes access: " + gs.getFirst().grantee()
                + " loses " + privileges(gs), obj(gs.getFirst()), false, null)
                .withDrops(key(gs.getFirst())).withDependsOn(deps(cur, gs))));
        revokeOption.values().forEach(gs -> x.add(new Step(Phase.COMMENT, "REVOKE GRANT OPTION FOR " + privileges(gs) + " ON "
                + target(gs.getFirst()) + " FROM " + grantee(gs.getFirst()), Safety.DESTRUCTIVE, "removes access: "
                + gs.getFirst().grantee() + " may no longer grant " + privileges(gs) + " to others", obj(gs.getFirst()),
                false, null).withAlters(key(gs.getFirst())).withDependsOn(deps(cur, gs))));
        grant.values().forEach(gs -> {
            Extras.Grant g = gs.getFirst();
            boolean isNew = switch (g.kind()) {
                case "SCHEMA" -> !cur.exists();
                case "TABLE" -> !cur.tables().containsKey(g.name()) && !cur.views().containsKey(g.name());
                case "SEQUENCE" -> !cur.sequences().containsKey(g.name()) && want.sequences().containsKey(g.name());
                default -> !exists(cur, existing, g);
            };
            x.add(grant(want, gs, "privilege granted", isNew));
        });
        recreatable(x, split, existing, wanted);
    }

    private static Step grant(Catalog.Schema want, List<Extras.Grant> gs, String reason, boolean isNew) {
        Extras.Grant g = gs.getFirst();
        return Step.safe(Phase.COMMENT, "GRANT " + privileges(gs) + " ON " + target(g) + " TO " + grantee(g)
                + (g.grantable() ? " WITH GRANT OPTION" : ""), obj(g), reason, isNew)
                .withCreates(key(g)).withDependsOn(deps(want, gs));
    }

    /**
     * The privileges of a kept view, materialized view, type or routine: granted again (and PUBLIC's default
     * revoked again) when the object is re-created: a view whose definition changes or whose table is reshaped, an
     * enum whose values go, a routine dropped and created again (the graph decides that later, from the drops of
     * {@code view:v}, {@code type:t}, {@code function:f(args)}).
     */
    private static void recreatable(Differ.Ctx x, PartitionDiff.Split split, Set<String> existing,
                                    Map<String, Extras.Grant> wanted) {
        Catalog.Schema want = split.fullWant();
        Map<String, Map<String, List<Extras.Grant>>> byObject = new LinkedHashMap<>();
        for (Extras.Grant g : want.extras().grants()) {
            boolean view = g.kind().equals("TABLE") && want.views().containsKey(g.name())
                    && split.fullCur().views().containsKey(g.name());
            boolean other = !g.kind().equals("TABLE") && !g.kind().equals("SCHEMA") && !g.kind().equals("SEQUENCE")
                    && exists(split.fullCur(), existing, g);
            if (!view && !other) {
                continue;
            }
            Map<String, List<Extras.Grant>> groups = byObject.computeIfAbsent(g.kind() + '\u0000' + g.name(),
                    k -> new LinkedHashMap<>());
            Extras.Grant d = publicDefault(g);
            if (!g.marker() && !(d != null && d.key().equals(g.key()) && !g.grantable())) { // PUBLIC's default comes anyway
                groups.computeIfAbsent(group(g) + g.grantable(), k -> new ArrayList<>()).add(g);
            }
        }
        byObject.forEach((object, groups) -> {
            String[] kn = object.split("\u0000");
            Extras.Grant any = new Extras.Grant(kn[0], kn[1], "", "", "", false);
            Extras.Grant d = kn[0].equals("TABLE") ? null : publicDefault(any);
            boolean revokeDefault = d != null && !wanted.containsKey(d.key());
            if (groups.isEmpty() && !revokeDefault) {
                return;
            }
            String base = kn[0].equals("TABLE") ? Key.view(kn[1]) : deps(want, List.of(any)).getFirst();
            x.dependent("grant:" + kn[0] + "/" + kn[1] + "/*", List.of(base), () -> {
                List<Step> out = new ArrayList<>();
                if (revokeDefault) {
                    out.add(revokeDefault(want, d, "re-created object: PUBLIC's default privilege revoked again", false));
                }
                groups.values().forEach(gs -> out.add(grant(want, gs, "granted again on the re-created object", false)));
                return out;
            });
        });
    }

    /** PUBLIC's privilege on a new routine or type (acldefault), or null for kinds without one. */
    private static Extras.Grant publicDefault(Extras.Grant object) {
        return switch (object.kind()) {
            case "FUNCTION", "PROCEDURE" -> new Extras.Grant(object.kind(), object.name(), "", "PUBLIC", "EXECUTE", false);
            case "TYPE" -> new Extras.Grant(object.kind(), object.name(), "", "PUBLIC", "USAGE", false);
            default -> null;
        };
    }

    /** Safe: PUBLIC never had the privilege on an object this plan creates. After the object, like a grant. */
    private static Step revokeDefault(Catalog.Schema want, Extras.Grant d, String reason, boolean isNew) {
        return Step.safe(Phase.COMMENT, "REVOKE " + d.privilege() + " ON " + target(d) + " FROM PUBLIC", obj(d), reason, isNew)
                .withCreates(key(d)).withDependsOn(deps(want, List.of(d)));
    }

    /** Graph key of one grantee's privileges on one object (not a member of a table: no table shape depends on it). */
    private static String key(Extras.Grant g) {
        return "grant:" + g.kind() + "/" + g.name() + "/" + g.grantee();
    }

    /** The object (and the columns) the privileges are on. */
    private static List<String> deps(Catalog.Schema cat, List<Extras.Grant> gs) {
        Extras.Grant g = gs.getFirst();
        List<String> out = new ArrayList<>();
        switch (g.kind()) {
            case "TABLE" -> {
                out.add(cat.views().containsKey(g.name()) ? Key.view(g.name()) : Key.table(g.name()));
                gs.stream().filter(x -> !x.column().isEmpty() && !cat.views().containsKey(g.name()))
                        .forEach(x -> out.add(Key.column(g.name(), x.column())));
            }
            case "SEQUENCE" -> out.add(Key.sequence(g.name()));
            case "TYPE" -> out.add(Key.type(g.name()));
            // kinds-a's routine keys: "function:f(integer)", the signature without the schema
            case "FUNCTION", "PROCEDURE" -> out.add(g.kind().toLowerCase(java.util.Locale.ROOT) + ":"
                    + g.name().replaceFirst("^\\{schema}\\.", ""));
            default -> { }
        }
        return out;
    }

    /**
     * A routine or type exists live: enums by name (read even when only names are, for create_tables), others by
     * their marker row.
     */
    private static boolean exists(Catalog.Schema cur, Set<String> existing, Extras.Grant g) {
        return g.kind().equals("TYPE") && cur.enums().containsKey(g.name()) || existing.contains(g.kind() + '\u0000' + g.name());
    }

    /** The current privilege stays relevant: its object survives this plan (else it goes with the object). */
    private static boolean kept(PartitionDiff.Split split, Extras.Grant g, Set<String> wantedObjects) {
        Catalog.Schema cur = split.fullCur();
        Catalog.Schema want = split.fullWant();
        return switch (g.kind()) {
            case "SCHEMA" -> cur.exists();
            case "TABLE" -> relationKept(split, g.name()) && (g.column().isEmpty() || columnKept(cur, want, g));
            // identity sequences are not in the sequences map: they live as long as their column
            case "SEQUENCE" -> want.sequences().containsKey(g.name()) || !cur.sequences().containsKey(g.name());
            case "TYPE" -> want.enums().containsKey(g.name()) || wantedObjects.contains(g.kind() + '\u0000' + g.name());
            // routines (and types that are not enums) carry a marker row when they exist in the model
            default -> wantedObjects.contains(g.kind() + '\u0000' + g.name());
        };
    }

    /**
     * A relation on both sides that this plan does not re-create for its partitioning. A view it re-creates is
     * still kept here: its privileges are granted again through {@link #recreatable}.
     */
    private static boolean relationKept(PartitionDiff.Split split, String n) {
        Catalog.Schema cur = split.fullCur();
        Catalog.Schema want = split.fullWant();
        boolean inCur = cur.tables().containsKey(n) || cur.views().containsKey(n);
        boolean inWant = want.tables().containsKey(n) || want.views().containsKey(n);
        return inCur && inWant && !split.recreated().contains(n);
    }

    private static boolean columnKept(Catalog.Schema cur, Catalog.Schema want, Extras.Grant g) {
        Catalog.Table t = want.tables().get(g.name());
        return t == null || t.column(g.column()) != null; // a view's columns are not read: it is kept as a whole
    }

    private static String group(Extras.Grant g) {
        return g.kind() + '\u0000' + g.name() + '\u0000' + g.grantee() + '\u0000';
    }

    private static String privileges(List<Extras.Grant> gs) {
        StringBuilder sb = new StringBuilder();
        for (Extras.Grant g : gs) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(g.privilege());
            if (!g.column().isEmpty()) {
                sb.append(" (").append(Sql.q(g.column())).append(')');
            }
        }
        return sb.toString();
    }

    static String target(Extras.Grant g) {
        return switch (g.kind()) {
            case "SCHEMA" -> "SCHEMA {schema}";
            case "FUNCTION", "PROCEDURE" -> g.kind() + " " + g.name();
            default -> g.kind() + " " + Sql.rel(g.name());
        };
    }

    private static String grantee(Extras.Grant g) {
        return g.grantee().equals("PUBLIC") ? "PUBLIC" : Sql.q(g.grantee());
    }

    private static String obj(Extras.Grant g) {
        return switch (g.kind()) {
            case "SCHEMA" -> "schema";
            case "FUNCTION", "PROCEDURE" -> g.kind().toLowerCase(java.util.Locale.ROOT) + " " + g.name();
            default -> g.kind().toLowerCase(java.util.Locale.ROOT) + " " + g.name();
        };
    }
}
