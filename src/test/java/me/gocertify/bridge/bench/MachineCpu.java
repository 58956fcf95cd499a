package me.gocertify.bridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The whole machine's CPU time so far, from the first line of Linux's /proc/stat (clock ticks of 10 ms,
 * all cores together): how much the cores spent idle and how much in all, beside what the server under
 * load and this JVM (the load generator) have used ({@link ThreadCpu}). Over a run it shows how the cores
 * were shared: the p99 at half the peak is measured on the two cores the load generator and the bridge
 * share, and how little is left idle there decides how far an extra burst of work (a compilation, a
 * collection, the kernel's own threads) delays the requests (BENCHMARKS.md, session 34).
 */
record MachineCpu(long idleMillis, long totalMillis, long serverMillis, long generatorMillis) {

    private static final long SELF = ProcessHandle.current().pid();

    /** Now, with the server {@code serverPid}'s CPU; zero where there is no /proc. */
    static MachineCpu now(long serverPid) {
        long server = ThreadCpu.processMillisOf(serverPid);
        long generator = ThreadCpu.processMillisOf(SELF);
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            // cpu user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user and nice]
            long[] ticks = Arrays.stream(first.substring("cpu".length()).trim().split("\\s+")).limit(8)
                    .mapToLong(Long::parseLong).toArray();
            return new MachineCpu((ticks[3] + ticks[4]) * 10, Arrays.stream(ticks).sum() * 10, server, generator);
        } catch (IOException | RuntimeException e) {
            return new MachineCpu(0, 0, server, generator);
        }
    }

    /**
     * How the cores' time since {@code before} was shared, in per cent: the server's part (named {@code server}),
     * the load generator's, the rest of the machine's (the kernel's threads, other processes) and idle.
     */
    String sharedSince(MachineCpu before, String server) {
        double total = totalMillis - before.totalMillis;
        if (total <= 0) {
            return "how the cores were shared not known (no /proc/stat)";
        }
        double serverPart = serverMillis - before.serverMillis;
        double generatorPart = generatorMillis - before.generatorMillis;
        double idle = idleMillis - before.idleMillis;
        double rest = Math.max(0, total - idle - serverPart - generatorPart);
        return String.format("the cores' time: %s %.0f%%, load generator %.0f%%, the rest %.0f%%, idle %.0f%%", server,
                100 * serverPart / total, 100 * generatorPart / total, 100 * rest / total, 100 * idle / total);
    }
}
