package dev.tasknode.node.backup.dump;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The lock-table advice: said only when runs exceed workers, and the setting it names really is enough. */
class LockTableTest {
    private static LockTable table(int maxLocks, int conns, long inUse, int workers) {
        long slots = (long) maxLocks * conns;
        return new LockTable(slots, inUse, maxLocks, conns, 0, LockTable.budget(slots - slots / 4 - inUse, workers));
    }

    @Test
    void theSettingItNamesLetsTheBackupRunInOneRunPerWorker() {
        for (int conns : new int[] {100, 300}) {
            for (long inUse : new long[] {0, 1_001, 11_000}) {
                for (int workers : new int[] {1, 2, 4}) {
                    int tables = 21_021;
                    LockTable t = table(64, conns, inUse, workers);
                    int runs = (tables + t.perRun() - 1) / t.perRun();
                    String advice = t.limits(tables, workers, runs);
                    if (t.perRun() >= (tables + workers - 1) / workers) {
                        assertNull(advice);
                        continue;
                    }
                    assertNotNull(advice, "limited at " + conns + "/" + inUse + "/" + workers);
                    assertTrue(advice.contains("max_connections " + conns), advice);
                    Matcher m = Pattern.compile("max_locks_per_transaction = (\\d+)").matcher(advice);
                    assertTrue(m.find(), advice);
                    LockTable bigger = table(Integer.parseInt(m.group(1)), conns, inUse, workers);
                    assertNull(bigger.limits(tables, workers, workers), "still limited with " + m.group(1) + ": " + advice);
                    assertTrue(bigger.perRun() * workers >= tables, advice);
                }
            }
        }
    }

    @Test
    void noAdviceWhenTheFleetFitsInOneRunPerWorker() {
        LockTable t = table(64, 300, 500, 2);
        assertNull(t.limits(2_000, 2, 2));
    }

    /** With archives capped, the lock table limits only below the cap, and its advice counts the cap's runs. */
    @Test
    void theArchiveCapSetsTheRunsTheAdviceAimsAt() {
        int tables = 210_005;
        LockTable enough = table(2_874, 100, 10, 2); // a run may lock 105,025: more than the cap of 60,000
        assertNull(enough.limits(tables, 2, 4, 60_000));
        LockTable small = table(64, 100, 10, 2);
        String advice = small.limits(tables, 2, 93, 60_000);
        assertNotNull(advice);
        assertTrue(advice.contains("93 runs are needed instead of 4") && advice.endsWith("would need 4"), advice);
        Matcher m = Pattern.compile("max_locks_per_transaction = (\\d+)").matcher(advice);
        assertTrue(m.find(), advice);
        LockTable bigger = table(Integer.parseInt(m.group(1)), 100, 10, 2);
        assertTrue(bigger.perRun() >= 52_502, advice);
        assertNull(bigger.limits(tables, 2, 4, 60_000), advice);
    }
}
