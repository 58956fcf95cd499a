package me.gocertify.bridge.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The CPU time a process has used so far, in all ({@code processMillis}, from /proc/{pid}/stat, threads
 * that have ended included) and by what its threads do, from Linux's /proc/{pid}/task/{tid}/stat (user and system time in clock ticks of 10 ms; a thread's name as the
 * kernel keeps it, cut to 15 characters). Read from outside the process, it counts every state a
 * thread spends CPU in: JFR's execution samples see a thread only while it runs Java code, so they
 * miss the kernel's share (waking and parking threads, sockets, file writes) and undercount threads
 * that hand work to each other (BENCHMARKS.md, session 13). The groups leave out threads that have ended.
 */
record ThreadCpu(long processMillis, Map<String, long[]> millisByGroup) {

    /** HotSpot's compiler threads. */
    static final String JIT = "JIT";
    /** The groups, in the order they are printed. */
    private static final List<String> GROUPS = List.of("HTTP workers", "store writer", "event loop", "Camel threads",
            "collector", JIT, "other");

    /** Now, for the process {@code pid}; zero where there is no /proc. */
    static ThreadCpu of(long pid) {
        Path process = Path.of("/proc", String.valueOf(pid));
        long processMillis = processMillisOf(pid);
        Map<String, long[]> groups = new LinkedHashMap<>();
        GROUPS.forEach(group -> groups.put(group, new long[2]));
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(process.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    long[] used = userAndSystemMillis(stat);
                    long[] millis = groups.get(group(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))));
                    millis[0] += used[0];
                    millis[1] += used[1];
                } catch (IOException | RuntimeException e) {
                    // the thread ended while the folder was read
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone, or no /proc here
        }
        return new ThreadCpu(processMillis, groups);
    }

    /** The CPU time the process {@code pid} has used so far, its ended threads' included, without reading each thread's; 0 where there is no /proc. */
    static long processMillisOf(long pid) {
        try {
            long[] used = userAndSystemMillis(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
            return used[0] + used[1];
        } catch (IOException | RuntimeException e) {
            return 0; // the process is gone, or no /proc here
        }
    }

    /** The user and system CPU time in a line of /proc's stat (a process's or a thread's), in milliseconds. */
    private static long[] userAndSystemMillis(String stat) {
        // after the name in parentheses: state is field 3, utime 14 and stime 15 (1-based, of the whole line)
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]) * 10, Long.parseLong(fields[12]) * 10};
    }

    /** What a thread's name says it does (the names are the bridge's, Vert.x's, Camel's and HotSpot's). */
    static String group(String name) {
        if (name.startsWith("vert.x-worker")) {
            return "HTTP workers";
        }
        if (name.startsWith("vert.x-eventloo")) {
            return "event loop";
        }
        if (name.startsWith("bridge-db:group")) {
            return "store writer";
        }
        if (name.startsWith("Camel (")) {
            return "Camel threads";
        }
        // the serial collector works in the VM thread; the parallel and G1 collectors in GC threads
        if (name.equals("VM Thread") || name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return "collector";
        }
        if (name.contains("CompilerThre")) {
            return JIT;
        }
        return "other";
    }

    /** A group's CPU so far (user and system), in milliseconds. */
    long millis(String group) {
        long[] millis = millisByGroup.get(group);
        return millis[0] + millis[1];
    }

    /** A group's CPU between {@code before} and this, in milliseconds per {@code units}. */
    double perUnit(ThreadCpu before, long units, String group) {
        return (millis(group) - before.millis(group)) / (double) Math.max(1, units);
    }

    /** The process's CPU between {@code before} and this, in milliseconds per {@code units} (requests, awards). */
    double perUnit(ThreadCpu before, long units) {
        return (processMillis - before.processMillis) / (double) Math.max(1, units);
    }

    /**
     * Each group's CPU between {@code before} and this, in milliseconds per {@code units} (requests, awards),
     * and the kernel's share of it all: "HTTP workers 0.046, store writer 0.031, ... ms; kernel 27%".
     */
    String byGroupPerUnit(ThreadCpu before, long units) {
        StringJoiner parts = new StringJoiner(", ");
        long user = 0;
        long system = 0;
        for (String group : GROUPS) {
            long[] now = millisByGroup.get(group);
            long[] then = before.millisByGroup.get(group);
            long userDelta = now[0] - then[0];
            long systemDelta = now[1] - then[1];
            user += userDelta;
            system += systemDelta;
            double perUnit = (userDelta + systemDelta) / (double) Math.max(1, units);
            if (perUnit >= 0.0005) {
                parts.add(String.format("%s %.3f", group, perUnit));
            }
        }
        return String.format("%s ms; kernel %.0f%%", parts, 100.0 * system / Math.max(1, user + system));
    }
}
