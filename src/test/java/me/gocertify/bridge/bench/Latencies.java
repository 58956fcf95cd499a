package me.gocertify.bridge.bench;

import java.util.Arrays;

/** Latencies in nanoseconds, kept whole (a run holds at most a few hundred thousand), read as percentiles. */
final class Latencies {

    private long[] values = new long[1 << 14];
    private int size;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int count() {
        return size;
    }

    /** The given percentile (0 to 100) in milliseconds; NaN when empty. */
    double percentileMillis(double percentile) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, index))] / 1e6;
    }

    String summary() {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", percentileMillis(50), percentileMillis(99),
                percentileMillis(100));
    }
}
