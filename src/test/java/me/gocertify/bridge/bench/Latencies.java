package me.gocertify.bridge.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Latencies in nanoseconds, kept whole (a run holds at most a few hundred thousand), read as percentiles,
 * each with when its request was due, to tell a p99 made by a few stalls from one spread over the run.
 */
final class Latencies {

    /** The width of the windows {@link #slowestWindows} counts. */
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private long[] values = new long[1 << 14];
    private long[] dueAt = new long[1 << 14];
    private int size;
    /** Added to a System.nanoTime() reading, the wall clock's time in nanoseconds since the epoch. */
    private final long nanoToWallClock = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

    /** @param due when the request was due (System.nanoTime()) */
    void add(long nanos, long due) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
            dueAt = Arrays.copyOf(dueAt, size * 2);
        }
        dueAt[size] = due;
        values[size++] = nanos;
    }

    /**
     * In how many windows of {@link #WINDOW_NANOS} (by when the requests were due) the requests at or above
     * the p99 fell, and in how many windows the requests fell in all: a few windows, a few stalls (a full
     * collection, a burst of compilation) made the p99; many, it is queueing spread over the run.
     */
    int[] slowestWindows() {
        Set<Long> all = new HashSet<>();
        for (int i = 0; i < size; i++) {
            all.add(Math.floorDiv(dueAt[i], WINDOW_NANOS));
        }
        return new int[] {slowWindows().size(), all.size()};
    }

    /**
     * When the windows holding most of the requests at or above the p99 began, by the wall clock (UTC, as a
     * JFR recording stamps its events), most first, each with how many of them it holds: to find what the
     * bridge was doing then (its collections, compilations, the writer's samples) in a recording.
     */
    String slowestWindowTimes(int limit) {
        Map<Long, Integer> slow = slowWindows();
        if (slow.isEmpty()) {
            return "none";
        }
        DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm:ss.SS").withZone(ZoneOffset.UTC);
        return slow.entrySet().stream()
                .sorted(Map.Entry.<Long, Integer>comparingByValue().reversed())
                .limit(limit)
                .map(window -> String.format("%s (%d)", clock.format(Instant.ofEpochMilli(
                        (window.getKey() * WINDOW_NANOS + nanoToWallClock) / 1_000_000)), window.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** The windows (by when the requests were due) holding requests at or above the p99, with how many each. */
    private Map<Long, Integer> slowWindows() {
        Map<Long, Integer> slow = new HashMap<>();
        if (size == 0) {
            return slow;
        }
        long p99 = percentileNanos(99);
        for (int i = 0; i < size; i++) {
            if (values[i] >= p99) {
                slow.merge(Math.floorDiv(dueAt[i], WINDOW_NANOS), 1, Integer::sum);
            }
        }
        return slow;
    }

    int count() {
        return size;
    }

    /** The given percentile (0 to 100) in milliseconds; NaN when empty. */
    double percentileMillis(double percentile) {
        return size == 0 ? Double.NaN : percentileNanos(percentile) / 1e6;
    }

    private long percentileNanos(double percentile) {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, index))];
    }

    String summary() {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", percentileMillis(50), percentileMillis(99),
                percentileMillis(100));
    }
}
