package dev.tasknode.node.schema.diff;

import dev.tasknode.node.schema.inspect.Catalog;
import dev.tasknode.node.schema.inspect.Extras;
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
 * grantee and grant option, listing its privileges. Grants run after everything is created.
 */
final class GrantDiff {
    private GrantDiff() {}

    static void grants(Differ.Ctx x, Catalog.Schema cur, Catalog.Schema want) {
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
            if (kept(x, cur, want, g, wantedObjects)) {
                existing.add(g.kind() + '\u0000' + g.name());
                if (!g.marker()) {
                    have.put(g.key(), g);
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
        revoke.values().forEach(gs -> x.add(new Step(Phase.COMMENT, "REVOKE " + privileges(gs) + " ON " + target(gs.getFirst())
                + " FROM " + grantee(gs.getFirst()), Safety.DESTRUCTIVE, "removes access: " + gs.getFirst().grantee()
                + " loses " + privileges(gs), obj(gs.getFirst()), false, null)));
        revokeOption.values().forEach(gs -> x.add(new Step(Phase.COMMENT, "REVOKE GRANT OPTION FOR " + privileges(gs) + " ON "
                + target(gs.getFirst()) + " FROM " + grantee(gs.getFirst()), Safety.DESTRUCTIVE, "removes access: "
                + gs.getFirst().grantee() + " may no longer grant " + privileges(gs) + " to others", obj(gs.getFirst()),
                false, null)));
        grant.values().forEach(gs -> {
            Extras.Grant g = gs.getFirst();
            boolean isNew = switch (g.kind()) {
                case "SCHEMA" -> !cur.exists();
                case "TABLE" -> !cur.tables().containsKey(g.name()) && !cur.views().containsKey(g.name());
                case "SEQUENCE" -> !cur.sequences().containsKey(g.name()) && want.sequences().containsKey(g.name());
                default -> !existing.contains(g.kind() + '\u0000' + g.name());
            };
            x.add(Step.safe(Phase.COMMENT, "GRANT " + privileges(gs) + " ON " + target(g) + " TO " + grantee(g)
                    + (g.grantable() ? " WITH GRANT OPTION" : ""), obj(g), "privilege granted", isNew));
        });
    }

    /** The current privilege stays relevant: its object survives this plan (else it goes with the object). */
    private static boolean kept(Differ.Ctx x, Catalog.Schema cur, Catalog.Schema want, Extras.Grant g,
                                Set<String> wantedObjects) {
        return switch (g.kind()) {
            case "SCHEMA" -> cur.exists();
            case "TABLE" -> relationKept(x, cur, want, g) && (g.column().isEmpty() || columnKept(cur, want, g));
            // identity sequences are not in the sequences map: they live as long as their column
            case "SEQUENCE" -> !x.recreated.contains(g.name())
                    && (want.sequences().containsKey(g.name()) || !cur.sequences().containsKey(g.name()));
            case "TYPE" -> want.enums().containsKey(g.name()) || wantedObjects.contains(g.kind() + '\u0000' + g.name());
            // routines (and types that are not enums) carry a marker row when they exist in the model
            default -> wantedObjects.contains(g.kind() + '\u0000' + g.name());
        };
    }

    private static boolean relationKept(Differ.Ctx x, Catalog.Schema cur, Catalog.Schema want, Extras.Grant g) {
        if (!g.kind().equals("TABLE")) {
            return false;
        }
        String n = g.name();
        boolean inCur = cur.tables().containsKey(n) || cur.views().containsKey(n);
        boolean inWant = want.tables().containsKey(n) || want.views().containsKey(n);
        return inCur && inWant && !x.recreated.contains(n);
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
