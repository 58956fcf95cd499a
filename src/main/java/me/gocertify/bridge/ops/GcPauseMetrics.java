package me.gocertify.bridge.ops;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The collector's pauses, {@code jvm_gc_pause_seconds_count} and {@code _sum} by {@code action} and {@code gc}
 * as Micrometer names them, read from each collector's MXBean when the metrics are scraped.
 *
 * <p>Not Micrometer's {@code JvmGcMetrics}: it listens for the JDK's notification after every collection,
 * and the JDK then builds that notification's open data (reflection over {@code GcInfo}) on its service
 * thread, about ten times a second under load. On two cores that work, and the C2 compilation of it that
 * comes minutes into a busy run (162 ms in BENCHMARKS.md, session 26), take the CPU from the HTTP event
 * loop. Polling costs nothing between scrapes. What it gives up: the pause's {@code cause} label and
 * {@code _max}, and the allocation, promotion and live-data metrics that only the notifications carry
 * ({@code jvm_memory_used_bytes} by pool remains).
 */
public final class GcPauseMetrics implements MeterBinder {

    /** The stop-the-world collectors of the whole heap; the JDK's notifications call theirs "end of major GC". */
    private static final Set<String> FULL = Set.of("PS MarkSweep", "MarkSweepCompact", "G1 Old Generation");

    @Override
    public void bindTo(MeterRegistry registry) {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = collector.getName();
            if (name.endsWith(" Cycles") || name.contains("Concurrent")) {
                continue; // ZGC's, Shenandoah's and G1's concurrent work: its time is not a pause
            }
            FunctionTimer.builder("jvm.gc.pause", collector, GarbageCollectorMXBean::getCollectionCount,
                            GarbageCollectorMXBean::getCollectionTime, TimeUnit.MILLISECONDS)
                    .tags("action", FULL.contains(name) ? "end of major GC" : "end of minor GC", "gc", name)
                    .description("Time spent in the collector's pauses")
                    .register(registry);
        }
    }
}
