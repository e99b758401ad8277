package dev.tasknode.node.schema.plan;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Orders the steps of a plan from what they declare ({@link Step.Keys}) instead of a numbered list. Rules, for
 * keys that match (equal, or one is the table the other is a member of, see {@link Key#parent}):
 * <ul>
 *   <li>drops go dependents first: a step that only drops X, where X depends on K, runs before the steps that
 *       drop, alter or reshape K;</li>
 *   <li>creates go bases first: a step that creates or alters X depending on K runs after the steps that create or
 *       alter K;</li>
 *   <li>a drop of K runs before a (re-)create or alter of K;</li>
 *   <li>the steps that create or alter the same key keep their phase and diff order (a column's drop default,
 *       type change, set default).</li>
 * </ul>
 * Between steps these rules do not order, the phase and then the diff order decide, so steps that declare nothing
 * keep the order {@link Phase} gives. A cycle is an error naming the objects on it.
 */
public final class Graph {
    private Graph() {}

    /** The dependencies of a plan form a cycle; the message names the objects on it. */
    public static final class CycleException extends IllegalStateException {
        public CycleException(String message) {
            super(message);
        }
    }

    public static List<Step> order(List<Step> steps) {
        int n = steps.size();
        if (steps.stream().allMatch(s -> s.keys().isEmpty())) {
            List<Step> sorted = new ArrayList<>(steps);
            sorted.sort(java.util.Comparator.comparingInt(Step::phase)); // stable: diff order within a phase
            return sorted;
        }
        // steps by the keys they create/alter, drop, or reshape/drop, each also under the table a member key has
        Index touch = new Index();
        Index dropping = new Index();
        Index breaking = new Index();
        for (int i = 0; i < n; i++) {
            Step.Keys k = steps.get(i).keys();
            k.creates().forEach(touch.add(i));
            k.alters().forEach(touch.add(i));
            k.drops().forEach(dropping.add(i));
            k.drops().forEach(breaking.add(i));
            k.alters().forEach(breaking.add(i)); // alters, reshaping or not: a dependent's drop goes first anyway
        }
        List<BitSet> after = new ArrayList<>(n); // after.get(i): the steps i must follow
        for (int i = 0; i < n; i++) {
            after.add(new BitSet(n));
        }
        for (int i = 0; i < n; i++) {
            Step.Keys k = steps.get(i).keys();
            if (k.onlyDrops()) {
                for (String d : k.dependsOn()) {
                    for (int j : breaking.matching(d)) {
                        if (j != i) {
                            after.get(j).set(i);
                        }
                    }
                }
            } else {
                for (String d : k.dependsOn()) {
                    for (int j : touch.matching(d)) {
                        if (j != i) {
                            after.get(i).set(j);
                        }
                    }
                }
            }
            for (String c : concat(k.creates(), k.alters())) {
                for (int j : dropping.exact(c)) {
                    if (j != i && !steps.get(i).keys().drops().contains(c)) {
                        after.get(i).set(j);
                    }
                }
            }
        }
        // same key created/altered by several steps: phase, then diff order
        for (List<Integer> same : touch.exact.values()) {
            List<Integer> chain = new ArrayList<>(same);
            chain.sort((a, b) -> steps.get(a).phase() != steps.get(b).phase()
                    ? Integer.compare(steps.get(a).phase(), steps.get(b).phase()) : Integer.compare(a, b));
            for (int x = 1; x < chain.size(); x++) {
                if (!chain.get(x).equals(chain.get(x - 1))) {
                    after.get(chain.get(x)).set(chain.get(x - 1));
                }
            }
        }
        return kahn(steps, after);
    }

    private static List<Step> kahn(List<Step> steps, List<BitSet> after) {
        int n = steps.size();
        int[] pending = new int[n];
        List<List<Integer>> next = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            next.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            pending[i] = after.get(i).cardinality();
            for (int j = after.get(i).nextSetBit(0); j >= 0; j = after.get(i).nextSetBit(j + 1)) {
                next.get(j).add(i);
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>((a, b) -> steps.get(a).phase() != steps.get(b).phase()
                ? Integer.compare(steps.get(a).phase(), steps.get(b).phase()) : Integer.compare(a, b));
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Step> out = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.add(steps.get(i));
            for (int j : next.get(i)) {
                if (--pending[j] == 0) {
                    ready.add(j);
                }
            }
        }
        if (out.size() < n) {
            throw new CycleException("the planned statements depend on each other in a cycle: " + cycle(steps, after, pending));
        }
        return out;
    }

    /** One cycle among the steps left over, as "object (statement) -> ... -> the first again". */
    private static String cycle(List<Step> steps, List<BitSet> after, int[] pending) {
        int start = 0;
        while (pending[start] == 0) {
            start++;
        }
        List<Integer> path = new ArrayList<>();
        Map<Integer, Integer> seen = new HashMap<>();
        int at = start;
        while (!seen.containsKey(at)) {
            seen.put(at, path.size());
            path.add(at);
            BitSet b = after.get(at);
            int nxt = -1;
            for (int j = b.nextSetBit(0); j >= 0; j = b.nextSetBit(j + 1)) {
                if (pending[j] > 0) {
                    nxt = j;
                    break;
                }
            }
            at = nxt;
        }
        StringBuilder sb = new StringBuilder();
        List<Integer> loop = path.subList(seen.get(at), path.size());
        for (int i = loop.size() - 1; i >= 0; i--) { // predecessors first
            sb.append(describe(steps.get(loop.get(i)))).append(" -> ");
        }
        return sb.append(describe(steps.get(loop.getLast()))).toString();
    }

    private static String describe(Step s) {
        String key = s.keys().primary();
        String sql = s.sql().replaceAll("\\s+", " ");
        return (key == null ? s.object() : key) + " (" + (sql.length() > 80 ? sql.substring(0, 77) + "..." : sql) + ")";
    }

    private static List<String> concat(java.util.Set<String> a, java.util.Set<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Steps by key, and by the table of member keys, for the matching rule. */
    private static final class Index {
        final Map<String, List<Integer>> exact = new HashMap<>();
        final Map<String, List<Integer>> byParent = new HashMap<>();

        java.util.function.Consumer<String> add(int i) {
            return k -> {
                List<Integer> l = exact.computeIfAbsent(k, x -> new ArrayList<>());
                if (l.isEmpty() || l.getLast() != i) {
                    l.add(i);
                }
                String p = Key.parent(k);
                if (p != null) {
                    byParent.computeIfAbsent(p, x -> new ArrayList<>()).add(i);
                }
            };
        }

        List<Integer> exact(String k) {
            return exact.getOrDefault(k, List.of());
        }

        /** Steps on {@code k} itself, on the table {@code k} is a member of, or on a member of table {@code k}. */
        List<Integer> matching(String k) {
            List<Integer> out = new ArrayList<>(exact(k));
            String p = Key.parent(k);
            if (p != null) {
                out.addAll(exact(p));
            }
            out.addAll(byParent.getOrDefault(k, List.of()));
            return out;
        }
    }
}
