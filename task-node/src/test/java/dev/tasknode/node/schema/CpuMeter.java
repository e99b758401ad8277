package dev.tasknode.node.schema;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU seconds spent by this JVM and by the local PostgreSQL server's processes, for benchmarks on a shared, noisy
 * machine: wall time varies by half from run to run there, the CPU a run costs much less. The server's part is read
 * from {@code /proc} (every process named {@code postgres}: backends, and the checkpointer that writes what they
 * dirtied), so it is NaN where the server is not on this host or {@code /proc} cannot be read.
 */
final class CpuMeter {
    /** Linux's USER_HZ: /proc/PID/stat counts in hundredths of a second on every architecture it supports. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final double node0 = nodeSeconds();
    private final double server0 = serverSeconds();

    /** Seconds since this meter was made: {node, server}. */
    double[] since() {
        return new double[] {round(nodeSeconds() - node0), round(serverSeconds() - server0)};
    }

    private static double round(double s) {
        return Math.round(s * 100) / 100.0;
    }

    static double nodeSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    static double serverSeconds() {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return Double.NaN;
        }
        long ticks = 0;
        try (Stream<Path> pids = Files.list(proc)) {
            for (Path p : (Iterable<Path>) pids.filter(x -> x.getFileName().toString().chars().allMatch(Character::isDigit))::iterator) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
                        continue;
                    }
                    String[] f = stat.substring(close + 2).split(" "); // f[0] is field 3 (state)
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15
                } catch (IOException | RuntimeException e) {
                    // the process ended while being read
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return ticks / TICKS_PER_SECOND;
    }
}
