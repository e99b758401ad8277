package dev.tasknode.node.schema.validate;

import dev.tasknode.node.schema.SchemaEngine;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Plan validation once per change set across clusters: the clusters of one apply share a map of verdicts by change
 * set (kind, fingerprint, script, and the shared schema's state, which the project sets run against). The first
 * cluster to reach a change set validates it on its own scratch copy; the others wait for its verdict. A cluster that
 * validates any project set locally also validates the shared set locally, since the project sets run on its result.
 */
final class SharedVerdicts {
    private SharedVerdicts() {}

    /**
     * @param mine    change sets this cluster validates, in order
     * @param claimed the verdicts this cluster promised the others
     * @param others  change sets another cluster validates, with its verdict to come
     */
    record Split(List<SchemaEngine.Group> mine, Map<SchemaEngine.Group, CompletableFuture<String>> claimed,
                 Map<SchemaEngine.Group, CompletableFuture<String>> others) {
        /**
         * Completes every promise this cluster made (null = reaches the model); call it in a finally. A set whose
         * validation could not run here ({@code inconclusive}, or all of them when {@code finished} is false) completes
         * exceptionally: a cluster waiting for it validates it itself.
         */
        void publish(Map<SchemaEngine.Group, String> reasons, java.util.Set<SchemaEngine.Group> inconclusive, boolean finished,
                     String cluster) {
            claimed.forEach((g, f) -> {
                if (finished && !inconclusive.contains(g)) {
                    f.complete(reasons.get(g));
                } else {
                    f.completeExceptionally(new IllegalStateException("plan validation could not run on cluster " + cluster
                            + (reasons.get(g) == null ? "" : ": " + reasons.get(g))));
                }
            });
        }

        /** The other clusters' verdicts (waits for them); the sets they could not validate are to be validated here. */
        Others awaitOthers() throws InterruptedException {
            Map<SchemaEngine.Group, String> out = new IdentityHashMap<>();
            List<SchemaEngine.Group> redo = new ArrayList<>();
            for (var e : others.entrySet()) {
                try {
                    String why = e.getValue().get();
                    if (why != null) {
                        out.put(e.getKey(), why);
                    }
                } catch (ExecutionException ex) {
                    redo.add(e.getKey());
                }
            }
            return new Others(out, redo);
        }
    }

    /** Verdicts from the other clusters, and the sets none of them could validate. */
    record Others(Map<SchemaEngine.Group, String> reasons, List<SchemaEngine.Group> redo) {}

    /**
     * Splits {@code order} (the shared set first, if any) into the sets validated here and those another cluster
     * validates. No sharing without a verdict map (one cluster) or when the shared schema's state is not known.
     */
    static Split split(Map<String, CompletableFuture<String>> verdicts, List<SchemaEngine.Group> order,
                       SchemaEngine.Group sharedGroup, Function<SchemaEngine.Group, String> key) {
        Map<SchemaEngine.Group, CompletableFuture<String>> claimed = new IdentityHashMap<>();
        Map<SchemaEngine.Group, CompletableFuture<String>> others = new IdentityHashMap<>();
        if (verdicts == null || sharedGroup == null) {
            return new Split(order, claimed, others);
        }
        List<SchemaEngine.Group> mine = new ArrayList<>();
        String sharedState = sharedGroup.fingerprint() + "|";
        for (SchemaEngine.Group g : order) {
            CompletableFuture<String> f = new CompletableFuture<>();
            CompletableFuture<String> prev = verdicts.putIfAbsent(sharedState + key.apply(g), f);
            if (prev == null) {
                mine.add(g);
                claimed.put(g, f);
            } else {
                others.put(g, prev);
            }
        }
        // the project sets validated here run against the shared set's result on this copy
        if (!mine.isEmpty() && order.contains(sharedGroup) && !mine.contains(sharedGroup)) {
            mine.addFirst(sharedGroup);
            others.remove(sharedGroup);
        }
        return new Split(mine, claimed, others);
    }
}
