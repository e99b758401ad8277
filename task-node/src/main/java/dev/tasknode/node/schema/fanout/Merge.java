package dev.tasknode.node.schema.fanout;

import dev.tasknode.node.cluster.Cluster;
import dev.tasknode.node.cluster.ClusterRegistry;
import dev.tasknode.node.schema.Results;
import dev.tasknode.node.schema.SchemaMetrics;
import dev.tasknode.node.schema.apply.FleetApplier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One result from the clusters' results: every schema with its cluster, counts summed, change sets of one catalog
 * state merged wherever that state lives (same kind, fingerprint and script: one diff to review), and each cluster's
 * part ({@link Results.ClusterPart}). A cluster that was down or failed contributes its schemas as failed, with why.
 */
final class Merge {
    private Merge() {}

    /**
     * One cluster's contribution: its result, or the error that ended its run and the schemas that fail with it.
     */
    record Part<T>(Cluster cluster, T value, Throwable error, List<String> failedSchemas) {
        Part(Cluster cluster, T value, Throwable error) {
            this(cluster, value, error, List.of());
        }

        String why() {
            return "cluster " + cluster.name() + " failed: " + ClusterRegistry.describe(error);
        }
    }

    static Results.ApplyReport apply(FleetApplier.Options o, List<Part<Results.ApplyReport>> parts,
                                     Map<Cluster, ClusterSchemas.Down> down, List<String> clusterOrder) {
        List<Results.SchemaOutcome> outcomes = new ArrayList<>();
        List<Results.ClusterPart> clusters = new ArrayList<>();
        Map<String, String> fps = new LinkedHashMap<>();
        Set<String> backups = new LinkedHashSet<>();
        int changed = 0, unchanged = 0, failed = 0, skipped = 0;
        boolean allMatch = !o.dryRun();
        for (Part<Results.ApplyReport> p : parts) {
            String name = p.cluster().name();
            if (p.value() == null && p.error() instanceof FleetApplier.CutShort cut) {
                // lost mid-run: each schema as far as it got; the applied ones keep their change (not verified)
                String why = p.why();
                List<String> lost = new ArrayList<>();
                for (Results.SchemaOutcome x : cut.outcomes().values()) {
                    Results.SchemaOutcome r = x;
                    if ("applied".equals(x.outcome())) {
                        changed++;
                    } else if (cut.toChange().contains(x.schema()) || "failed".equals(x.outcome())) {
                        r = "failed".equals(x.outcome()) ? x
                                : new Results.SchemaOutcome(x.schema(), "failed", 0, null, x.fingerprintBefore(), null, null,
                                        null, 0, 0, why);
                        lost.add(x.schema());
                        failed++;
                    } else {
                        unchanged++;
                    }
                    outcomes.add(r.on(name));
                }
                clusters.add(Results.ClusterPart.down(name, lost, why + " (schemas applied before it went keep their "
                        + "change, not verified; schema_status tells once it answers)"));
                allMatch = false;
                continue;
            }
            if (p.value() == null) {
                // the run's own report is lost with the cluster: what committed there before it went stays
                String why = p.why() + " (changes that committed there before stay, with their history rows; "
                        + "schema_status tells once it answers)";
                failed += failAll(outcomes, name, p.failedSchemas(), why);
                clusters.add(Results.ClusterPart.down(name, p.failedSchemas(), why));
                allMatch = false;
                continue;
            }
            Results.ApplyReport r = p.value();
            r.outcomes().forEach(x -> outcomes.add(x.on(name)));
            changed += r.changed();
            unchanged += r.unchanged();
            failed += r.failed();
            skipped += r.skippedStatements();
            allMatch &= r.allMatchModel();
            fps.put(name, r.proposalFingerprint());
            if (r.backupId() != null) {
                backups.add(r.backupId());
            }
            clusters.add(Results.ClusterPart.ok(name, r.schemas()));
        }
        for (var e : down.entrySet()) {
            failed += failAll(outcomes, e.getKey().name(), e.getValue().schemas(), e.getValue().error());
            clusters.add(Results.ClusterPart.down(e.getKey().name(), e.getValue().schemas(), e.getValue().error()));
            allMatch = false;
        }
        String task = parts.isEmpty() ? o.task() : parts.stream().filter(p -> p.value() != null).map(p -> p.value().task())
                .findFirst().orElse(o.task());
        return new Results.ApplyReport(task, o.dryRun(), o.allowDestructive(), Fingerprints.combine(clusterOrder, fps),
                backups.isEmpty() ? null : String.join(",", backups), outcomes.size(), changed, unchanged, failed, skipped,
                allMatch, List.copyOf(outcomes), List.copyOf(clusters));
    }

    private static int failAll(List<Results.SchemaOutcome> outcomes, String cluster, List<String> schemas, String why) {
        for (String s : schemas) {
            outcomes.add(new Results.SchemaOutcome(s, "failed", 0, null, null, null, null, null, 0, 0, why).on(cluster));
        }
        return schemas.size();
    }

    static Results.Proposal proposal(List<Part<Results.Proposal>> parts, Map<Cluster, ClusterSchemas.Down> down,
                                     List<String> clusterOrder) {
        Map<String, Results.ChangeSet> sets = new LinkedHashMap<>();
        List<Results.ClusterPart> clusters = new ArrayList<>();
        Map<String, String> fps = new LinkedHashMap<>();
        int schemas = 0, upToDate = 0, toChange = 0;
        long safe = 0, locking = 0, destructive = 0, total = 0;
        String model = null;
        for (Part<Results.Proposal> p : parts) {
            String name = p.cluster().name();
            if (p.value() == null) {
                clusters.add(Results.ClusterPart.down(name, p.failedSchemas(), p.why()));
                schemas += p.failedSchemas().size();
                continue;
            }
            Results.Proposal r = p.value();
            model = r.model();
            schemas += r.schemas();
            upToDate += r.upToDate();
            toChange += r.toChange();
            safe += r.totals().safe();
            locking += r.totals().locking();
            destructive += r.totals().destructive();
            total += r.totals().total();
            fps.put(name, r.fingerprint());
            clusters.add(Results.ClusterPart.ok(name, r.schemas()));
            for (Results.ChangeSet cs : r.changeSets()) {
                sets.merge(cs.kind() + "\u0000" + cs.fingerprint() + "\u0000" + cs.script(), withCluster(cs, name), Merge::join);
            }
        }
        for (var e : down.entrySet()) {
            clusters.add(Results.ClusterPart.down(e.getKey().name(), e.getValue().schemas(), e.getValue().error()));
            schemas += e.getValue().schemas().size();
        }
        List<Results.ChangeSet> list = new ArrayList<>(sets.values());
        // the shared schema's change sets first, as each cluster runs them first
        list.sort(Comparator.comparing(cs -> "shared".equals(cs.kind()) ? 0 : 1));
        return new Results.Proposal(Fingerprints.combine(clusterOrder, fps), model, schemas, upToDate, toChange,
                new Results.Counts(safe, locking, destructive, total), List.copyOf(list), List.copyOf(clusters));
    }

    private static Results.ChangeSet withCluster(Results.ChangeSet cs, String cluster) {
        Map<String, List<String>> by = new LinkedHashMap<>();
        by.put(cluster, cs.schemas());
        return new Results.ChangeSet(cs.kind(), cs.fingerprint(), cs.schemaCount(), cs.schemas(), cs.counts(), cs.script(),
                cs.statements(), cs.findings(), by);
    }

    private static Results.ChangeSet join(Results.ChangeSet a, Results.ChangeSet b) {
        List<String> schemas = new ArrayList<>(a.schemas());
        schemas.addAll(b.schemas());
        List<Results.CheckFinding> findings = new ArrayList<>(a.findings());
        findings.addAll(b.findings());
        Map<String, List<String>> by = new LinkedHashMap<>(a.clusters());
        b.clusters().forEach((c, s) -> by.merge(c, s, (x, y) -> {
            List<String> l = new ArrayList<>(x);
            l.addAll(y);
            return l;
        }));
        return new Results.ChangeSet(a.kind(), a.fingerprint(), schemas.size(), schemas, a.counts(), a.script(),
                a.statements(), findings, by);
    }

    static Results.Status status(List<Part<Results.Status>> parts, Map<Cluster, ClusterSchemas.Down> down) {
        List<Results.SchemaState> states = new ArrayList<>();
        List<Results.ClusterPart> clusters = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (String s : List.of(SchemaMetrics.UP_TO_DATE, SchemaMetrics.PENDING, SchemaMetrics.DRIFTED, SchemaMetrics.FAILED)) {
            counts.put(s, 0);
        }
        Results.Status any = null;
        for (Part<Results.Status> p : parts) {
            String name = p.cluster().name();
            if (p.value() == null) {
                failStates(states, counts, name, p.failedSchemas(), p.why());
                clusters.add(Results.ClusterPart.down(name, p.failedSchemas(), p.why()));
                continue;
            }
            any = p.value();
            p.value().schemaStates().forEach(s -> states.add(s.on(name)));
            p.value().counts().forEach((k, v) -> counts.merge(k, v, Integer::sum));
            clusters.add(Results.ClusterPart.ok(name, p.value().schemas()));
        }
        for (var e : down.entrySet()) {
            failStates(states, counts, e.getKey().name(), e.getValue().schemas(), e.getValue().error());
            clusters.add(Results.ClusterPart.down(e.getKey().name(), e.getValue().schemas(), e.getValue().error()));
        }
        return new Results.Status(any == null ? null : any.model(), any == null ? null : any.sharedFingerprint(),
                any == null ? null : any.projectFingerprint(), states.size(), counts, List.copyOf(states), List.copyOf(clusters));
    }

    private static void failStates(List<Results.SchemaState> states, Map<String, Integer> counts, String cluster,
                                   List<String> schemas, String why) {
        for (String s : schemas) {
            states.add(new Results.SchemaState(s, SchemaMetrics.FAILED, null, 0, 0, null, cluster, why));
        }
        counts.merge(SchemaMetrics.FAILED, schemas.size(), Integer::sum);
    }
}
