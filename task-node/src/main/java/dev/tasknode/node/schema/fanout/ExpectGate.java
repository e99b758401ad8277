package dev.tasknode.node.schema.fanout;

import dev.tasknode.contracts.ErrorCode;
import dev.tasknode.node.task.TaskFailedException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * What the clusters' runs of one apply share. apply's {@code expect}: each cluster's run plans, then waits here until
 * every cluster has planned (or failed); only when the fingerprint over all clusters equals the reviewed proposal's
 * may any cluster change anything. One cluster that moved, or went down, since the proposal stops every cluster
 * before its first change. Without {@code expect} nobody waits. And the plan validation verdicts, so a change set
 * found on several clusters is validated once.
 */
final class ExpectGate implements dev.tasknode.node.schema.apply.FleetApplier.PlanGate {
    private final List<String> clusters;
    private final String expect;
    private final Map<String, String> fingerprints = new ConcurrentHashMap<>();
    private final CountDownLatch arrived;
    private final Map<String, java.util.concurrent.CompletableFuture<String>> verdicts = new ConcurrentHashMap<>();

    /**
     * @param down   clusters already known to be down: they count as planned, with the fingerprint "down"
     * @param expect the reviewed proposal's fingerprint; null or blank = none (nobody waits)
     */
    ExpectGate(List<String> clusters, Map<String, String> down, String expect) {
        this.clusters = List.copyOf(clusters);
        this.expect = expect;
        down.keySet().forEach(c -> fingerprints.put(c, Fingerprints.DOWN));
        this.arrived = new CountDownLatch((int) clusters.stream().filter(c -> !fingerprints.containsKey(c)).count());
    }

    @Override
    public void planned(String cluster, String fingerprint) throws InterruptedException {
        arrive(cluster, fingerprint);
        if (expect == null || expect.isBlank()) {
            return;
        }
        arrived.await();
        String now = Fingerprints.combine(clusters, fingerprints);
        if (!expect.equals(now)) {
            throw new Refused("the schemas or the model changed since the proposal " + expect + " (now " + now + ", over "
                    + "the clusters " + describe() + "): review propose_migrations again; nothing was changed");
        }
    }

    @Override
    public Map<String, java.util.concurrent.CompletableFuture<String>> verdicts() {
        return verdicts;
    }

    /** A cluster whose run ended before it planned (down, refused): it counts as "down". */
    void failed(String cluster) {
        arrive(cluster, Fingerprints.DOWN);
    }

    private void arrive(String cluster, String fp) {
        if (fingerprints.putIfAbsent(cluster, fp) == null) {
            arrived.countDown();
        }
    }

    private String describe() {
        StringBuilder b = new StringBuilder();
        for (String c : clusters) {
            b.append(b.isEmpty() ? "" : ", ").append(c).append(' ').append(fingerprints.getOrDefault(c, "?"));
        }
        return b.toString();
    }

    /** The whole task is refused, on every cluster (not one cluster's failure). */
    static final class Refused extends TaskFailedException {
        Refused(String message) {
            super(ErrorCode.CONFLICT, message);
        }
    }
}
