package dev.tasknode.node.backup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a backup splits the fleet into pg_dump runs ({@link ClusterDump#perRun}, {@link ClusterDump#plan}): every run
 * pays the whole catalog read, so no run may be left over with a schema or two, the run count is a multiple of the
 * workers, and no run exceeds the cap (lock budget, tables per archive).
 */
class DumpRunsTest {
    /** {@code projects} schemas of {@code tables} tables each, after a shared schema of {@code shared} tables. */
    private static Map<String, Integer> fleet(List<String> order, int shared, int projects, int tables) {
        Map<String, Integer> rels = new HashMap<>();
        order.add("shared");
        rels.put("shared", shared);
        for (int i = 1; i <= projects; i++) {
            order.add("p_" + i);
            rels.put("p_" + i, tables);
        }
        return rels;
    }

    private static List<List<String>> runs(List<String> order, Map<String, Integer> rels, int cap, int workers) {
        int total = order.stream().mapToInt(rels::get).sum();
        int largest = order.stream().mapToInt(rels::get).max().orElse(1);
        return ClusterDump.plan(order, rels, ClusterDump.perRun(total, cap, workers, largest));
    }

    private static int tables(List<String> run, Map<String, Integer> rels) {
        return run.stream().mapToInt(rels::get).sum();
    }

    @Test
    void aFleetThatFitsTwoWorkersIsTwoRunsWithNoneLeftOver() {
        List<String> order = new ArrayList<>();
        Map<String, Integer> rels = fleet(order, 5, 10_000, 21);
        // the lock table allowed 105,025 per run: the former split was 4,999 + 5,000 + a run of one schema
        List<List<String>> runs = runs(order, rels, 105_025, 2);
        assertEquals(2, runs.size());
        assertTrue(Math.abs(runs.get(0).size() - runs.get(1).size()) <= 2, () -> runs.get(0).size() + " / " + runs.get(1).size());
        assertEquals(10_001, runs.stream().mapToInt(List::size).sum(), "every schema once");
    }

    @Test
    void theArchiveCapMakesMoreRunsAMultipleOfTheWorkersAndEven() {
        List<String> order = new ArrayList<>();
        Map<String, Integer> rels = fleet(order, 5, 10_000, 21);
        List<List<String>> runs = runs(order, rels, 60_000, 2);
        assertEquals(4, runs.size(), "210,005 tables under a cap of 60,000: 4 runs, not 3 + 1");
        for (List<String> r : runs) {
            assertTrue(tables(r, rels) <= 60_000 && tables(r, rels) >= 52_000, () -> "run of " + tables(r, rels));
        }
        List<List<String>> three = runs(order, rels, 60_000, 3);
        assertEquals(6, three.size(), "4 runs needed, 3 workers: two full rounds");
    }

    @Test
    void aSmallBudgetBindsAndASchemaLargerThanItRunsAlone() {
        List<String> order = new ArrayList<>();
        Map<String, Integer> rels = fleet(order, 5, 1_000, 21);
        List<List<String>> runs = runs(order, rels, 2_285, 2);
        assertEquals(10, runs.size());
        runs.forEach(r -> assertTrue(tables(r, rels) <= 2_285, () -> "run of " + tables(r, rels)));
        rels.put("p_7", 5_000);
        List<List<String>> big = runs(order, rels, 2_285, 2);
        assertTrue(big.contains(List.of("p_7")), "a schema above the budget is a run of its own");
        big.stream().filter(r -> !r.equals(List.of("p_7"))).forEach(r -> assertTrue(tables(r, rels) <= 2_285));
        assertEquals(List.of(List.of("shared")), runs(new ArrayList<>(List.of("shared")), Map.of("shared", 5), 2_285, 4),
                "one schema, one run, whatever the workers");
    }
}
