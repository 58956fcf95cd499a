package me.gocertify.bridge.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import me.gocertify.bridge.filedrop.FileDropProgress;
import me.gocertify.bridge.support.RunningBridge;

/**
 * Drops one CSV of N rows (default 1,000,000) into a real bridge (H2 file database, WireMock as
 * Yotpo) and prints records per second and the peak heap. Not a test; run it with a capped heap:
 * {@code mvn -B -q -Pfile-drop-benchmark test-compile exec:exec [-Drows=N]} (see the profile in pom.xml).
 * Deliveries are paused during the run unless -Dbench.deliver=true, so the figure is the file drop's own.
 */
public final class FileDropBenchmark {

    private FileDropBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path work = Files.createTempDirectory("file-drop-benchmark");
        WireMockServer yotpo = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        yotpo.start();
        yotpo.stubFor(post("/api/v2/actions").willReturn(aResponse().withStatus(200).withBody("{}")));
        Properties settings = RunningBridge.settings(work, yotpo.baseUrl());
        // the bridge's defaults, not the tests' short ones; -Dbridge.x=y or -Dcamel.x=y overrides any setting
        settings.setProperty("bridge.inbox.quiet-ms", "2000");
        settings.setProperty("bridge.inbox.poll-ms", "1000");
        settings.setProperty("bridge.delivery.poll-interval-ms", "500");
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("bridge.") || name.startsWith("camel."))
                .forEach(name -> settings.setProperty(name, System.getProperty(name)));
        try (RunningBridge bridge = RunningBridge.start(settings)) {
            bridge.putMerchant("acme", "{\"yotpo_api_key\":\"api-key-0123456789abcd\",\"yotpo_guid\":\"guid-0123456789abcdef\","
                    + "\"webhook_secret\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}");
            Path csv = work.resolve(".bench.csv.writing");
            try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                out.write("merchant_id,verification_id,campaign,email,verified_at\n");
                for (int i = 1; i <= rows; i++) {
                    out.write("acme,bench-" + i + ",students,shopper" + i + "@example.com,2026-11-25T10:15:30Z\n");
                }
            }
            long bytes = Files.size(csv);
            Files.createDirectories(bridge.inbox());
            FileDropProgress progress = bridge.camel().getRegistry().lookupByNameAndType("fileDropProgress", FileDropProgress.class);
            boolean deliver = Boolean.getBoolean("bench.deliver");
            if (!deliver) {
                // the file drop alone: accepted verifications wait as PENDING instead of going to Yotpo
                bridge.camel().getRouteController().stopRoute("deliver-accepted");
                bridge.camel().getRouteController().stopRoute("deliver-due");
            }
            System.out.printf("deliveries to Yotpo during the run: %s%n", deliver ? "on" : "off (-Dbench.deliver=true turns them on)");
            resetPeaks();
            long start = System.nanoTime();
            Files.move(csv, bridge.inbox().resolve("bench.csv"), StandardCopyOption.ATOMIC_MOVE);
            long nextReport = System.nanoTime() + 30_000_000_000L;
            long largestLive = 0;
            while (progress.filesDone() + progress.filesFailed() == 0) {
                Thread.sleep(100);
                largestLive = Math.max(largestLive, liveHeap());
                if (System.nanoTime() > nextReport) {
                    nextReport += 30_000_000_000L;
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    System.out.printf("... %.0f s: %d records, %.0f records/s, largest heap left after a GC %d MB%n", elapsed,
                            progress.currentFileRecords(), progress.currentFileRecords() / elapsed, largestLive >> 20);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("rows: %d (%.1f MB), outcome: %s, recorded: %d, rejected: %d%n", rows, bytes / 1e6,
                    progress.filesDone() == 1 ? ".done" : ".failed", progress.recordsRecorded(), progress.recordsRejected());
            System.out.printf("time: %.1f s (from the drop, 2 s quiet time included), %.0f records/s%n", seconds, rows / seconds);
            System.out.printf("max heap: %d MB, largest heap left after a GC (live data): %d MB,"
                    + " sum of the heap pools' peaks (garbage included, an upper bound): %d MB%n",
                    Runtime.getRuntime().maxMemory() >> 20, largestLive >> 20, peakHeap() >> 20);
        } finally {
            yotpo.stop();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not clean " + work);
            }
        }
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** What the last collection of each heap pool left: the data still in use. */
    private static long liveHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null)
                .mapToLong(pool -> pool.getCollectionUsage().getUsed())
                .sum();
    }

    /** The sum of each heap pool's peak: an upper bound of the heap in use at any one time. */
    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
    }
}
