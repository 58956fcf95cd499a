package me.gocertify.bridge.bench;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.vertx.core.buffer.Buffer;
import me.gocertify.bridge.bench.LoadGenerator.Request;
import me.gocertify.bridge.bench.LoadGenerator.Result;
import me.gocertify.bridge.support.RunningBridge;

/**
 * The bridge's benchmark (BENCHMARKS.md): runs the packaged jar as an operator would and measures,
 * in one run, each figure next to the physical limit on the same machine. Not a test: nothing is
 * asserted, every figure is printed with its goal. Run it with {@code mvn -B -Pbenchmark verify}.
 */
public final class Benchmark {

    /** Every benchmark merchant authenticates with this bearer secret. */
    private static final String SECRET = "bench-bearer-secret-0123456789";
    /**
     * Each setting's default, by its system property's name, as read below: the benchmark profile in pom.xml
     * passes its own values for most of them, and they must be the same (BenchmarkOptionsTest), so that a run
     * by hand measures what {@code mvn -Pbenchmark} measures (the warm-up rounds differed from session 20 to 26).
     */
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
    private static final Path OUT = Path.of(setting("bench.dir", "target/benchmark"));
    private static final int SECONDS = intSetting("bench.seconds", 10);
    private static final int WARMUP = intSetting("bench.warmup", 3);
    /** Load before the first accept run, for the bridge and the bare server alike: JIT compilation takes a while on 2 cores. */
    private static final int SERVER_WARMUP = intSetting("bench.serverWarmup", 20);
    /**
     * At most this many seconds of load at each accept run's own concurrency before it, until the server's JIT
     * is quiet (see {@link #warmUntilCompiled}); 0: none.
     */
    private static final int COMPILE_WARMUP = intSetting("bench.compileWarmup", 30);
    private static final int[] CONCURRENCY = Arrays.stream(setting("bench.concurrency", "1,8,32,64,128").split(","))
            .mapToInt(text -> Integer.parseInt(text.trim())).toArray();
    private static final int DELIVERIES = intSetting("bench.deliveries", 30_000);
    private static final int BACKLOG = intSetting("bench.backlog", 5_000);
    /**
     * Awards of each warm-up round before the measured delivery run (to merchants of the round's own), and
     * at most how many rounds (see deliveryThroughput); the plain loop warms up with as many calls as the
     * rounds delivered. One round of 2,000 (until session 13) or 20,000 (session 13) left the JIT compiling
     * through the measured run (BENCHMARKS.md, session 14).
     */
    private static final int DELIVERY_WARMUP = intSetting("bench.deliveryWarmup", 10_000);
    private static final int DELIVERY_WARMUP_ROUNDS = intSetting("bench.deliveryWarmupRounds", 8);
    private static final int BACKLOG_RATE = 50;
    /**
     * The open loops' rate for figure 1's p99, webhooks a second: 0 for the issue's half of the bridge's peak in
     * the same run; a fixed rate compares two jars at the same load, as their peaks move with the machine.
     */
    private static final int OPEN_LOOP_RATE = intSetting("bench.openLoopRate", 0);
    /**
     * Verification ids scattered over the key space ({run}-{16 hex digits}) instead of {run}-{n}: numbered ids
     * arrive in nearly sorted order, so each store commit rewrites one or two leaves of the key's index;
     * scattered ones, a leaf each (see BENCHMARKS.md, session 11).
     */
    private static final boolean SCATTERED_IDS = Boolean.parseBoolean(setting("bench.scatteredIds", "false"));
    /** Which parts run (all by default): accept, latency, delivery, drain, plain, restart, cds, filedrop. */
    private static final List<String> PHASES = List.of(setting("bench.phases", "accept,latency,delivery,drain,plain,restart,cds,filedrop")
            .split(","));
    /**
     * Merchants the delivery runs' verifications are spread over, each limited to 1,000 calls a second
     * (the most the admin API allows): with 4 until session 13, their limits capped the run at about
     * 3,960 awards a second (a slot is held until 1 s + 10 ms after its answer), and a warm bridge reached 3,760.
     */
    private static final int DELIVERY_MERCHANTS = intSetting("bench.deliveryMerchants", 16);
    private static final int PLAIN_LOOP_THREADS = intSetting("bench.plainThreads", 16);
    /** The bridges' folders (their stores and inboxes) under bench.dir. */
    private static final List<String> STORES = List.of("run", "run-plain", "run-cds");
    /**
     * Free disk a full run needs, in GB: at its peak (session 32) 3.5 GB under bench.dir, nearly all H2's file after
     * the accept and delivery runs (3.2 to 3.7 GB in the runs BENCHMARKS.md records), and 0.4 GB of the file drop's.
     */
    private static final int DISK_NEEDED_GB = 5;
    /** The parts that fill most of that: the accept runs' store (1.4 million rows) and the file drop's CSV. */
    private static final List<String> DISK_HUNGRY_PHASES = List.of("accept", "filedrop");
    /**
     * Free disk the other parts need, in GB: 0.9 GB at their peak (session 33, sampled every 5 s: H2's file during
     * the delivery runs, before its compaction gives most of it back, and the plain jar's store).
     */
    private static final int DISK_NEEDED_WITHOUT_THEM_GB = 2;
    /** Starts each way (with and without the archive) of the cds phase. */
    private static final int STARTS = 3;

    /**
     * The JVM options of README's first command (beside the archive, which main adds), the bridge's unless
     * bench.bridge.jvmArgs names others; the benchmark profile in pom.xml passes the same (BenchmarkOptionsTest).
     */
    static final String README_JVM_OPTIONS =
            "-Xms128m -Xmx256m -XX:+UseParallelGC -XX:-UseAdaptiveSizePolicy -XX:TrimNativeHeapInterval=1000";
    /** The bridge's JVM options; the benchmark adds its archive unless they name one. */
    private static final String BRIDGE_JVM_ARGS = setting("bench.bridge.jvmArgs", README_JVM_OPTIONS).trim();
    /** Rows of the file drop's CSV (figure 6). */
    private static final int FILE_ROWS = intSetting("bench.fileRows", 1_000_000);

    private final List<String> report = new ArrayList<>();
    private final Path jar;
    private final List<String> jvmArgs;
    private final YotpoStandIn yotpo = new YotpoStandIn();
    private BridgeJar bridge;
    /** The parts this run holds: those asked for, less those the disk has no room for. */
    private List<String> phases = PHASES;
    /** Bytes of the bridges' log that {@link #bridgeComplaints} has read. */
    private long logRead;
    /** A line of the bridge's log at WARN or ERROR (ops.BridgeLogging's pattern: the time, then the level). */
    private static final java.util.regex.Pattern COMPLAINT = java.util.regex.Pattern.compile("^\\S+ (WARN|ERROR) ");

    /** The system property's value, else its default, which {@link #DEFAULTS} notes. */
    private static String setting(String name, String byDefault) {
        DEFAULTS.put(name, byDefault);
        return System.getProperty(name, byDefault);
    }

    private static int intSetting(String name, int byDefault) {
        return Integer.parseInt(setting(name, Integer.toString(byDefault)).trim());
    }

    /** JVM options as a reader knows them: the archive by its file name. */
    private static String shown(List<String> options) {
        return options.stream().map(option -> option.replaceAll("=/.*/", "=")).collect(Collectors.joining(" "));
    }

    /** The class-data-sharing archive mvn package writes beside the jar (pom.xml, execution cds-archive). */
    private static Path archiveOf(Path jar) {
        return jar.toAbsolutePath().resolveSibling(jar.getFileName().toString().replaceAll("\\.jar$", "") + ".jsa");
    }

    /**
     * Whether an option already says which archive to map, or none: then the benchmark adds none. Named
     * exactly, as a substring such as "Archive" also matched -XX:ArchiveRelocationMode and silently ran
     * the bridge without its archive (session 18).
     */
    private static boolean choosesArchive(String option) {
        return option.startsWith("-XX:SharedArchiveFile=") || option.startsWith("-XX:ArchiveClassesAtExit=")
                || option.startsWith("-Xshare");
    }

    private Benchmark(Path jar, List<String> jvmArgs) {
        this.jar = jar;
        this.jvmArgs = jvmArgs;
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "target/gocertify-yotpo-bridge.jar");
        List<String> jvmArgs = BRIDGE_JVM_ARGS.isEmpty() ? List.of() : List.of(BRIDGE_JVM_ARGS.split("\\s+"));
        Path archive = archiveOf(jar);
        if (Files.exists(archive) && jvmArgs.stream().noneMatch(Benchmark::choosesArchive)) {
            // as README's command runs it: mapping the class-data-sharing archive mvn package wrote beside the jar
            List<String> withArchive = new ArrayList<>(List.of("-XX:SharedArchiveFile=" + archive));
            withArchive.addAll(jvmArgs);
            jvmArgs = List.copyOf(withArchive);
        }
        long began = System.nanoTime();
        // however the benchmark ends (a failed phase included), no bridge, bare server or file-drop JVM of
        // its own is left running to load the machine for whatever runs next
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        Benchmark benchmark = new Benchmark(jar, jvmArgs);
        try {
            benchmark.run();
        } finally {
            benchmark.yotpo.close();
        }
        benchmark.line("");
        benchmark.line(String.format("Benchmark took %.0f s; load average at the end: %s.", (System.nanoTime() - began) / 1e9,
                Files.readString(Path.of("/proc/loadavg")).trim()));
        Files.writeString(OUT.resolve("results.md"), String.join("\n", benchmark.report) + "\n");
        System.out.println("Written to " + OUT.resolve("results.md"));
        System.exit(0);
    }

    private void run() throws Exception {
        for (String dir : STORES) {
            clean(OUT.resolve(dir));
        }
        // a store that cannot grow answers every webhook 503 (so the sender retries): a run on a disk without room
        // would measure that. On a small disk the parts that fill it are left out, and the results say so.
        double free = freeGigabytes();
        List<String> leftOut = free < DISK_NEEDED_GB ? PHASES.stream().filter(DISK_HUNGRY_PHASES::contains).toList() : List.of();
        phases = PHASES.stream().filter(phase -> !leftOut.contains(phase)).toList();
        if (free < DISK_NEEDED_WITHOUT_THEM_GB) {
            throw new IllegalStateException(String.format("a run needs %d GB free under %s, and its disk has %.1f GB free",
                    DISK_NEEDED_WITHOUT_THEM_GB, OUT.toAbsolutePath(), free));
        }
        Files.createDirectories(OUT);
        Path log = OUT.resolve("bridge.log");
        Files.deleteIfExists(log);
        line("# Benchmark results");
        line("");
        line(machine());
        line("");
        if (!leftOut.isEmpty()) {
            line(String.format("**Not run: %s.** Together they fill about 4 GB, and this disk has %.1f GB free;"
                    + " a full run needs %d GB (BENCHMARKS.md, \"Run it\").", String.join(" and ", leftOut), free, DISK_NEEDED_GB));
            line("");
        }
        line("| # | figure | measured | goal |");
        line("|---|---|---|---|");

        bridge = BridgeJar.start(jar, OUT.resolve("run"), yotpo.baseUrl(), jvmArgs, log);
        row("5", "start to ready (README's command, JVM options " + shown(jvmArgs) + ", to /observe/health/ready 200),"
                + " empty data folder",
                String.format("%.2f s", bridge.readyMillis / 1000), "<= 3 s", bridge.readyMillis <= 3000);
        register("accept", 5);
        register("latency", 1000);
        register("drain", 1);

        bridge.resetPeakRss();
        if (phases.contains("accept")) {
            acceptThroughput();
            reportComplaints("accept");
        }
        double acceptRss = bridge.peakRssMb();
        if (phases.contains("latency")) {
            latencyToYotpo();
            reportComplaints("latency");
        }
        bridge.resetPeakRss();
        if (phases.contains("delivery")) {
            deliveryThroughput();
            reportComplaints("delivery");
        }
        double deliveryRss = bridge.peakRssMb();
        if (phases.contains("drain")) {
            backlogDrain();
            reportComplaints("drain");
        }
        // the store's file while the bridge runs (a graceful stop compacts it a little more): H2 with WRITE_DELAY=0
        // had grown it by nearly every commit until session 10's compaction (store.H2Compaction)
        Path storeFile = OUT.resolve("run").resolve("data").resolve("bridge.mv.db");
        row("5", "disk: the H2 store's file after the runs above, bridge still running", Files.exists(storeFile)
                ? String.format("%.0f MB", Files.size(storeFile) / 1e6) : "no file", "", null);
        double rss = Math.max(acceptRss, deliveryRss);
        row("5", "resident memory (VmRSS) of the bridge, peak under load (accept / delivery), same JVM options",
                String.format("%.0f MB (%.0f / %.0f)", rss, acceptRss, deliveryRss), "<= 400 MB", rss <= 400);
        bridge.close();

        if (phases.contains("plain")) {
            plainJarMemory(log);
            reportComplaints("plain");
        }
        if (phases.contains("restart")) {
            bridge = BridgeJar.start(jar, OUT.resolve("run"), yotpo.baseUrl(), jvmArgs, log);
            row("5", "start to ready again, on the data of this run", String.format("%.2f s", bridge.readyMillis / 1000),
                    "<= 3 s", bridge.readyMillis <= 3000);
            double stopMillis = bridge.stop();
            row("5", "stop: SIGTERM to exit, the same bridge idle (graceful: routes stopped, store closed)",
                    String.format("%.2f s", stopMillis / 1000), "", null);
            reportComplaints("restart");
        }
        if (phases.contains("cds")) {
            classDataSharing(log);
            reportComplaints("cds");
        }
        if (phases.contains("filedrop")) {
            fileDrop();
            reportComplaints("filedrop");
        }
        // the logs and results.md stay; the stores, gigabytes of them, go
        for (String dir : STORES) {
            clean(OUT.resolve(dir));
        }
    }

    /** Figure 6: the file drop's own benchmark (FileDropBenchmark) in a JVM capped at 256 MB of heap, serial collector. */
    private void fileDrop() throws Exception {
        progress("file drop: " + FILE_ROWS + " rows, in a JVM with -Xmx256m -XX:+UseSerialGC (FileDropBenchmark)");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), FileDropBenchmark.class.getName(),
                String.valueOf(FILE_ROWS)).redirectErrorStream(true).start();
        String rate = "?";
        String heap = "?";
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String text = out.readLine(); text != null; text = out.readLine()) {
                if (text.startsWith("time:") || text.startsWith("max heap:") || text.startsWith("rows:") || text.startsWith("...")) {
                    progress("file drop: " + text);
                }
                java.util.regex.Matcher time = java.util.regex.Pattern.compile("^time: .*, (\\d+) records/s").matcher(text);
                if (time.find()) {
                    rate = time.group(1) + " records/s";
                }
                java.util.regex.Matcher memory = java.util.regex.Pattern.compile(
                        "^max heap: (\\d+) MB, largest heap left after a GC \\(live data\\): (\\d+) MB,.*: (\\d+) MB").matcher(text);
                if (memory.find()) {
                    heap = memory.group(2) + " MB live after GC (heap pools' peaks summed: " + memory.group(3) + " MB, cap "
                            + memory.group(1) + " MB)";
                }
            }
        }
        int exit = process.waitFor();
        row("6", String.format("file drop: a %,d-row CSV, records per second (from the drop to .done, deliveries paused)", FILE_ROWS),
                rate + (exit == 0 ? "" : " (exit " + exit + ")"), "", null);
        row("6", "file drop: peak heap", heap, "within -Xmx256m", exit == 0 && !"?".equals(heap));
    }

    /**
     * Figure 5 without the class-data-sharing archive README's command maps (mvn package writes it beside the
     * jar), next to starts with it, on the same data.
     */
    private void classDataSharing(Path log) throws Exception {
        Path archive = archiveOf(jar);
        if (!Files.exists(archive)) {
            row("5", "start to ready with the class-data-sharing archive", "not measured: no archive beside the jar (built with"
                    + " -Dcds.skip=true, or this JDK wrote none)", "", null);
            return;
        }
        Path dir = OUT.resolve("run-cds");
        clean(dir);
        List<String> without = jvmArgs.stream().filter(option -> !option.contains("SharedArchiveFile")).toList();
        List<String> with = new ArrayList<>(List.of("-XX:SharedArchiveFile=" + archive));
        with.addAll(without);
        // the measured starts open a store that exists, with a merchant in it
        try (BridgeJar first = BridgeJar.start(jar, dir, yotpo.baseUrl(), with, log)) {
            first.putMerchant("cds", SECRET, 5);
        }
        // three starts each way, alternating, as one start moves by a second with the machine's load
        double[] withoutMillis = new double[STARTS];
        double[] withMillis = new double[STARTS];
        for (int i = 0; i < STARTS; i++) {
            try (BridgeJar plain = BridgeJar.start(jar, dir, yotpo.baseUrl(), without, log)) {
                withoutMillis[i] = plain.readyMillis;
            }
            try (BridgeJar shared = BridgeJar.start(jar, dir, yotpo.baseUrl(), with, log)) {
                withMillis[i] = shared.readyMillis;
            }
        }
        progress(String.format("start to ready, same data: without the archive %s, with it %s", seconds(withoutMillis),
                seconds(withMillis)));
        row("5", "start to ready on the same data, " + STARTS + " starts each, alternating: without the class-data-sharing"
                + " archive / with it (README's command); median (each start)", String.format("%.2f s / %.2f s (%s / %s)",
                median(withoutMillis) / 1000, median(withMillis) / 1000, seconds(withoutMillis), seconds(withMillis)), "", null);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String seconds(double[] millis) {
        return Arrays.stream(millis).mapToObj(m -> String.format("%.2f", m / 1000)).collect(Collectors.joining(", "));
    }

    /** Figure 5 without JVM options: plain java -jar sizes its heap from the machine's memory. */
    private void plainJarMemory(Path log) throws Exception {
        Path dir = OUT.resolve("run-plain");
        clean(dir);
        try (BridgeJar plain = BridgeJar.start(jar, dir, yotpo.baseUrl(), List.of(), log)) {
            plain.putMerchant("plain", SECRET, 5);
            plain.resetPeakRss();
            try (LoadGenerator load = new LoadGenerator(plain.port,
                    Map.of("Authorization", "Bearer " + SECRET, "Content-Type", "application/json"), 202)) {
                Result result = load.closedLoop(webhooks("plain", "rss"), 32, Duration.ofSeconds(WARMUP), Duration.ofSeconds(SECONDS));
                progress(String.format("plain java -jar, 32 connections: %.0f/s, peak RSS %.0f MB", result.rate(), plain.peakRssMb()));
            }
            // not README's command: shows what its heap cap is for, so no goal of its own
            row("5", String.format("resident memory, plain java -jar with no JVM options (heap sized from this machine's %s),"
                    + " webhooks at 32 connections", maxHeapNote()), String.format("%.0f MB", plain.peakRssMb()),
                    "none (README caps the heap)", null);
        }
    }

    private static String maxHeapNote() {
        try {
            long kb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
            return String.format("%.0f GB of memory: heap up to a quarter", kb / 1024.0 / 1024.0);
        } catch (IOException e) {
            return "memory";
        }
    }

    /** Figure 1: webhooks accepted per second, next to a bare Vert.x server; then p99 at half the peak. */
    private void acceptThroughput() throws Exception {
        Map<String, String> headers = Map.of("Authorization", "Bearer " + SECRET, "Content-Type", "application/json");
        double peak = 0;
        String peakThreads = "?";
        double[] bridgeRates = new double[CONCURRENCY.length];
        try (LoadGenerator load = new LoadGenerator(bridge.port, headers, 202)) {
            progress("accept: warming the bridge up");
            load.closedLoop(webhooks("accept", "warm"), 32, Duration.ofSeconds(SERVER_WARMUP), Duration.ofSeconds(1));
            for (int i = 0; i < CONCURRENCY.length; i++) {
                int c = CONCURRENCY[i];
                warmUntilCompiled(load, bridge.pid(), "bridge", "c" + c, c);
                // the scrape first: a read of the pending gauges it may set off is not this run's CPU
                double[] commitsBefore = bridge.scrape().storeCommits();
                ThreadCpu cpuBefore = ThreadCpu.of(bridge.pid());
                long began = System.nanoTime();
                Result result = load.closedLoop(webhooks("accept", "c" + c), c, Duration.ofSeconds(WARMUP),
                        Duration.ofSeconds(SECONDS));
                // CPU per request (warm-up included) is fairer than the rate on a machine others share
                ThreadCpu cpuAfter = ThreadCpu.of(bridge.pid());
                double cpuPerRequest = cpuAfter.perUnit(cpuBefore, result.sent());
                String threads = cpuAfter.byGroupPerUnit(cpuBefore, result.sent());
                String writer = writer(commitsBefore, bridge.scrape().storeCommits(), began);
                progress(String.format("accept, bridge, %d connections: %.0f/s, %d errors, %s, CPU %.2f ms/request, %s; by thread: %s",
                        c, result.rate(), result.errors(), result.latencies().summary(), cpuPerRequest, writer, threads));
                if (result.ok() == 0) {
                    // every later figure would measure refusals: stop here, with what the bridge said
                    throw new IllegalStateException("the bridge accepted no webhook at " + c + " connections (" + result.errors()
                            + " other answers); its log: " + bridgeComplaints());
                }
                bridgeRates[i] = result.rate();
                if (result.rate() > peak) {
                    peak = result.rate();
                    peakThreads = threads;
                }
                row("1", "webhooks accepted per second, bridge, " + c + " connections",
                        String.format("%.0f/s, %d errors (%s; bridge CPU %.2f ms a request; %s)", result.rate(),
                                result.errors(), result.latencies().summary(), cpuPerRequest, writer), "", null);
            }
        }
        double barePeak = 0;
        double openLoopRate = 0;
        String floorRow = "?";
        Process bare = startBareServer();
        try (LoadGenerator load = new LoadGenerator(barePort, headers, 202)) {
            load.closedLoop(webhooks("accept", "bare-warm"), 32, Duration.ofSeconds(SERVER_WARMUP), Duration.ofSeconds(1));
            for (int i = 0; i < CONCURRENCY.length; i++) {
                int c = CONCURRENCY[i];
                warmUntilCompiled(load, bare.pid(), "bare Vert.x", "bare" + c, c);
                ThreadCpu cpuBefore = ThreadCpu.of(bare.pid());
                Result result = load.closedLoop(webhooks("accept", "bare" + c), c, Duration.ofSeconds(WARMUP),
                        Duration.ofSeconds(SECONDS));
                double cpuPerRequest = ThreadCpu.of(bare.pid()).perUnit(cpuBefore, result.sent());
                progress(String.format("accept, bare Vert.x, %d connections: %.0f/s, %d errors, %s, CPU %.3f ms/request", c,
                        result.rate(), result.errors(), result.latencies().summary(), cpuPerRequest));
                barePeak = Math.max(barePeak, result.rate());
                row("1", "requests answered per second, bare Vert.x server, " + c + " connections",
                        String.format("%.0f/s (bridge: %.0f%% of it)", result.rate(), 100 * bridgeRates[i] / result.rate()), "", null);
            }
            // the floor for the p99 below: the same open loop at the same rate against a server that does no work
            // (the load generator's own pauses and the machine's scheduling show here too)
            openLoopRate = OPEN_LOOP_RATE > 0 ? OPEN_LOOP_RATE : Math.max(1, Math.round(peak / 2));
            MachineCpu coresBefore = MachineCpu.now(bare.pid());
            Result floor = load.openLoop(webhooks("accept", "bare-half"), openLoopRate, 256, Duration.ofSeconds(WARMUP),
                    Duration.ofSeconds(Math.max(SECONDS, 15)));
            String cores = MachineCpu.now(bare.pid()).sharedSince(coresBefore, "bare server");
            progress(String.format("accept, bare Vert.x, open loop at %.0f/s: %s; %s", openLoopRate, floor.latencies().summary(),
                    cores));
            floorRow = String.format("%.1f ms / %.1f ms, %d errors (%s)", floor.latencies().percentileMillis(50),
                    floor.latencies().percentileMillis(99), floor.errors(), cores);
        } finally {
            bare.destroy();
            bare.waitFor(10, TimeUnit.SECONDS);
        }
        row("1", "bridge's peak accept rate / bare server's peak", String.format("%.0f/s / %.0f/s = %.0f%%", peak, barePeak,
                100 * peak / barePeak), ">= 25%, no errors", peak / barePeak >= 0.25);
        // what bounds the ratio (BENCHMARKS.md): where the bridge's CPU went at its peak, thread by thread
        row("1", "bridge's CPU a webhook at its peak, by thread", peakThreads, "", null);

        try (LoadGenerator load = new LoadGenerator(bridge.port, headers, 202)) {
            BridgeJar.Metrics before = bridge.scrape();
            double[] pausesBefore = before.gcPauses();
            // how full the old generation came to the open loop: after the saturating runs the bridge's work
            // while the bare server runs fills it, so that a full collection falls early in the loop
            // (BENCHMARKS.md, session 31)
            double[] oldGeneration = before.oldGeneration();
            MachineCpu coresBefore = MachineCpu.now(bridge.pid());
            long began = System.nanoTime();
            Result result = load.openLoop(webhooks("accept", "half"), openLoopRate, 256, Duration.ofSeconds(WARMUP),
                    Duration.ofSeconds(Math.max(SECONDS, 15)));
            String cores = MachineCpu.now(bridge.pid()).sharedSince(coresBefore, "bridge");
            double seconds = (System.nanoTime() - began) / 1e9;
            BridgeJar.Metrics after = bridge.scrape();
            String writer = writer(before.storeCommits(), after.storeCommits(), began);
            double[] pausesAfter = after.gcPauses();
            double pauses = pausesAfter[0] - pausesBefore[0];
            double pausedSeconds = pausesAfter[1] - pausesBefore[1];
            double full = pausesAfter[2] - pausesBefore[2];
            // what bounds the p99 (BENCHMARKS.md): how often the collector stopped the bridge meanwhile and for how
            // long, a full collection apart (60 to 145 ms, one every 25 to 30 s at this load: session 31), and
            // whether the slowest requests came in a few stalls or all through the run
            int[] windows = result.latencies().slowestWindows();
            String collector = String.format("%.0f collector pauses meanwhile, %.1f ms on average, %.1f%% of the time, %s, "
                    + "the old generation %.0f of %.0f MB used as the loop began; the slowest 1%% due in %d of the run's %d "
                    + "windows of 50 ms; %s; %s", pauses, pauses == 0 ? 0 : 1000 * pausedSeconds / pauses, 100 * pausedSeconds / seconds,
                    full == 0 ? "no full collection" : String.format("%.0f full (%.0f ms)", full, 1000 * (pausesAfter[3] - pausesBefore[3])),
                    oldGeneration[0] / (1 << 20), oldGeneration[1] / (1 << 20), windows[0], windows[1], writer, cores);
            // when the slowest requests were due, by the wall clock: to look them up in a JFR recording of the bridge
            progress(String.format("accept, open loop at %.0f/s: %d ok, %d errors, %s; %s; the windows with most of the"
                    + " slowest 1%% began at (UTC, how many each): %s", openLoopRate, result.ok(), result.errors(),
                    result.latencies().summary(), collector, result.latencies().slowestWindowTimes(8)));
            double p99 = result.latencies().percentileMillis(99);
            row("1", String.format("webhook latency at %s (%.0f/s, open loop), p50 / p99",
                    OPEN_LOOP_RATE > 0 ? "a fixed rate" : "half the peak", openLoopRate),
                    String.format("%.1f ms / %.1f ms, %d errors (%s)", result.latencies().percentileMillis(50), p99, result.errors(),
                            collector), OPEN_LOOP_RATE > 0 ? "(the goal is at half the peak)" : "p99 <= 20 ms",
                    OPEN_LOOP_RATE > 0 ? null : p99 <= 20 && result.errors() == 0);
        }
        row("1", String.format("the same open loop against the bare Vert.x server (%.0f/s), p50 / p99", openLoopRate), floorRow, "",
                null);
    }

    /**
     * Load at {@code connections} until the server's JIT compilers used under a twentieth of a core in two
     * windows of two seconds in a row, at most {@link #COMPILE_WARMUP} seconds: each new concurrency sends the
     * JIT back to work (other branches taken, other batch sizes), for 10 to 20 s on a slow machine, which the
     * run's 3 s of warm-up did not cover: the bridge's JIT then took a sixth of its CPU a webhook in the
     * measured run (BENCHMARKS.md, session 20). The same rule for the bridge and the bare server.
     *
     * @param run names the warm-up's verifications, {run}-jit{round}-{n}, as the measured run's are {run}-{n}
     */
    private void warmUntilCompiled(LoadGenerator load, long pid, String server, String run, int connections) {
        if (COMPILE_WARMUP <= 0) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(COMPILE_WARMUP);
        int quiet = 0;
        for (int round = 1; quiet < 2 && System.nanoTime() < deadline; round++) {
            ThreadCpu before = ThreadCpu.of(pid);
            long began = System.nanoTime();
            load.closedLoop(webhooks("accept", run + "-jit" + round), connections, Duration.ZERO, Duration.ofSeconds(2));
            double compiling = (ThreadCpu.of(pid).millis(ThreadCpu.JIT) - before.millis(ThreadCpu.JIT)) / 1e3;
            // quiet twice in a row: the compilers pause between bursts
            quiet = compiling < 0.05 * (System.nanoTime() - began) / 1e9 ? quiet + 1 : 0;
        }
        progress(String.format("accept, %s, %d connections: the JIT %s after %.0f s", server, connections,
                quiet >= 2 ? "quiet" : "still busy", (System.nanoTime() - start) / 1e9));
    }

    /**
     * The store's writer between two readings of {@link BridgeJar.Metrics#storeCommits()}: how many writes shared a
     * commit (a commit costs H2 about the same whatever it holds), and the share of the time it was busy
     * committing or compacting (the collector's pauses included): near 100%, the webhooks queued for it.
     */
    private static String writer(double[] before, double[] after, long sinceNanos) {
        double seconds = (System.nanoTime() - sinceNanos) / 1e9;
        double writesPerCommit = (after[1] - before[1]) / Math.max(1, after[0] - before[0]);
        double compacting = after[3] - before[3];
        return String.format("%.1f writes a commit, store writer busy %.0f%% of the time (compaction %.0f%%)", writesPerCommit,
                100 * (after[2] - before[2] + compacting) / seconds, 100 * compacting / seconds);
    }

    private int barePort;

    private Process startBareServer() throws Exception {
        barePort = freePort();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), BareServer.class.getName(), String.valueOf(barePort))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(OUT.resolve("bare.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket("127.0.0.1", barePort)) {
                return process;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        process.destroyForcibly();
        List<String> said = Files.readAllLines(OUT.resolve("bare.log"));
        throw new IllegalStateException("the bare server did not start; its last lines: "
                + said.subList(Math.max(0, said.size() - 5), said.size()));
    }

    /** Figure 3: from the webhook's request to Yotpo's receiving the call, at 100 verifications a second. */
    private void latencyToYotpo() throws Exception {
        int rate = 100;
        int warmupCount = WARMUP * rate;
        int total = (WARMUP + Math.max(SECONDS, 20)) * rate;
        long[] sent = new long[total + rate];
        yotpo.expectProbes(sent.length);
        LongFunction<Request> probes = seq -> {
            sent[(int) seq] = System.nanoTime();
            return webhook("latency", "probe-" + seq, "probe" + seq);
        };
        Result accepted;
        try (LoadGenerator load = new LoadGenerator(bridge.port,
                Map.of("Authorization", "Bearer " + SECRET, "Content-Type", "application/json"), 202)) {
            accepted = load.openLoop(probes, rate, 32, Duration.ofSeconds(WARMUP), Duration.ofSeconds(Math.max(SECONDS, 20)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Latencies latencies = new Latencies();
        int missing = 0;
        int sentCount = (int) (accepted.ok() + accepted.errors()) + warmupCount;
        for (int n = warmupCount; n < Math.min(sentCount, sent.length); n++) {
            while (yotpo.probeArrival(n) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (yotpo.probeArrival(n) == 0) {
                missing++;
            } else {
                latencies.add(yotpo.probeArrival(n) - sent[n], sent[n]);
            }
        }
        progress(String.format("webhook to Yotpo at %d/s: %d calls, %d missing, %s", rate, latencies.count(), missing,
                latencies.summary()));
        double p99 = latencies.percentileMillis(99);
        row("3", "webhook to Yotpo's call, healthy, 100 verifications/s, p50 / p99",
                String.format("%.1f ms / %.1f ms (%d calls, %d missing)", latencies.percentileMillis(50), p99, latencies.count(), missing),
                "p99 <= 50 ms", p99 <= 50 && missing == 0);
    }

    /** Figure 2: awards per second to a zero-latency Yotpo with rate limits high, next to a plain HttpClient loop. */
    private void deliveryThroughput() throws Exception {
        // The JIT compiles the delivery path in warm-up rounds, not in the measured run: on two busy cores
        // HotSpot's C2 falls behind and raises its thresholds with its queue, so one round leaves much of
        // the path to be compiled in the next (BENCHMARKS.md, session 14). Rounds go on until the JIT took
        // under a tenth of a round's CPU. The plain loop's warm-up round is as large as all of them.
        int warmedUp = 0;
        for (int round = 1; DELIVERY_WARMUP > 0 && round <= DELIVERY_WARMUP_ROUNDS; round++) {
            Run warm = deliveryRun("warm" + round, DELIVERY_WARMUP);
            warmedUp += warm.arrived;
            progress(String.format("delivery warm-up %d: %d awards = %.0f/s, CPU %.2f ms/award, of it the JIT %.2f", round,
                    warm.arrived, warm.rate(), warm.cpuPerAward, warm.jitPerAward));
            if (warm.jitPerAward < warm.cpuPerAward / 10) {
                break;
            }
        }
        Run run = deliveryRun("thru", DELIVERIES);
        int arrived = run.arrived;
        int expected = run.expected;
        double bridgeRate = run.rate();
        double cpuPerAward = run.cpuPerAward;
        progress(String.format("delivery, bridge: %d awards in %.1f s = %.0f/s, CPU %.2f ms/award; by thread: %s; %s", arrived,
                run.seconds, bridgeRate, cpuPerAward, run.threads, run.store));

        double plainRate = plainLoop(DELIVERIES, warmedUp);
        progress(String.format("delivery, plain HttpClient loop (%d threads): %.0f/s", PLAIN_LOOP_THREADS, plainRate));
        row("2", String.format("awards per second to a zero-latency Yotpo, %d pending over %d merchants at 1000/s each",
                expected, DELIVERY_MERCHANTS), String.format("%.0f/s (%d of %d delivered; bridge CPU %.2f ms an award; %s)", bridgeRate,
                arrived, expected, cpuPerAward, run.store), "", null);
        row("2", "bridge's CPU an award, by thread", run.threads, "", null);
        row("2", "plain java.net.http.HttpClient loop, same payloads, " + PLAIN_LOOP_THREADS + " threads",
                String.format("%.0f/s; bridge: %.0f%% of it", plainRate, 100 * bridgeRate / plainRate), ">= 50%",
                bridgeRate / plainRate >= 0.5 && arrived == expected);
    }

    /** @param store the store's writer meanwhile (see {@link #writer}) */
    private record Run(int expected, int arrived, double seconds, double cpuPerAward, double jitPerAward, String threads, String store) {
        double rate() {
            return seconds > 0 ? arrived / seconds : 0; // a tiny run may have delivered all while recording
        }
    }

    /** Records {@code count} verifications for the merchants named {@code prefix}-1.. limited to 1/s, then lifts their limits. */
    private Run deliveryRun(String prefix, int count) throws Exception {
        progress("delivery: recording " + count + " verifications for " + prefix + "-* while their merchants are limited to 1/s");
        for (int m = 1; m <= DELIVERY_MERCHANTS; m++) {
            register(prefix + "-" + m, 1);
        }
        try (LoadGenerator load = new LoadGenerator(bridge.port,
                Map.of("Authorization", "Bearer " + SECRET, "Content-Type", "application/json"), 202)) {
            Result loaded = load.closedLoop(seq -> webhook(prefix + "-" + (seq % DELIVERY_MERCHANTS + 1), prefix.charAt(0) + "-" + seq,
                    prefix + seq), 16, count);
            progress("delivery: " + loaded.ok() + " recorded");
        }
        progress(String.format("delivery: the bridge's JIT quiet after %.1f s", awaitCompilerQuiet(bridge.pid())));
        int before = 0;
        for (int m = 1; m <= DELIVERY_MERCHANTS; m++) {
            before += yotpo.count(BridgeJar.guid(prefix + "-" + m));
        }
        // the scrape before the clock starts: it may set off a read of the pending gauges, which took seconds over
        // the accept runs' back-log before session 30 and held the merchants' release back meanwhile
        double[] storeBefore = bridge.scrape().storeCommits();
        long released = System.nanoTime();
        ThreadCpu cpuBefore = ThreadCpu.of(bridge.pid());
        for (int m = 1; m <= DELIVERY_MERCHANTS; m++) {
            register(prefix + "-" + m, 1000);
        }
        int expected = count - before;
        long deadline = released + TimeUnit.SECONDS.toNanos(180);
        int arrived = 0;
        while (System.nanoTime() < deadline) {
            arrived = -before;
            for (int m = 1; m <= DELIVERY_MERCHANTS; m++) {
                arrived += yotpo.count(BridgeJar.guid(prefix + "-" + m));
            }
            if (arrived >= expected) {
                break;
            }
            Thread.sleep(20);
        }
        long last = 0;
        for (int m = 1; m <= DELIVERY_MERCHANTS; m++) {
            long[] times = yotpo.arrivals(BridgeJar.guid(prefix + "-" + m));
            if (times.length > 0) { // a small run may leave a merchant of the 16 without any
                last = Math.max(last, times[times.length - 1]);
            }
        }
        ThreadCpu cpuAfter = ThreadCpu.of(bridge.pid());
        String store = writer(storeBefore, bridge.scrape().storeCommits(), released);
        return new Run(expected, arrived, Math.max(0, last - released) / 1e9, cpuAfter.perUnit(cpuBefore, arrived),
                cpuAfter.perUnit(cpuBefore, arrived, ThreadCpu.JIT), cpuAfter.byGroupPerUnit(cpuBefore, arrived), store);
    }

    /**
     * Waits (at most a minute) until the JIT compilers of the JVM with this pid use under a twentieth of a core,
     * and says how long that took, in seconds. The delivery runs wait so for the bridge's, so that a run does not
     * pay for what the recording before it left the compilers to do: on two busy cores HotSpot's C2 thread falls
     * behind (BENCHMARKS.md, session 14). The compilers' rate is read over a second at a time: there is no event
     * to wait for.
     */
    static double awaitCompilerQuiet(long pid) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        ThreadCpu last = ThreadCpu.of(pid);
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000); // a reading a second: /proc counts CPU in ticks of 10 ms
            ThreadCpu now = ThreadCpu.of(pid);
            long compiling = now.millis(ThreadCpu.JIT) - last.millis(ThreadCpu.JIT);
            last = now;
            if (compiling < 50) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** @param warmup calls in a warm-up round first (0: none) */
    private double plainLoop(int count, int warmup) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create(yotpo.baseUrl() + "/api/v2/actions");
        AtomicInteger next = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(PLAIN_LOOP_THREADS);
        try {
            for (int round = warmup > 0 ? 0 : 1; round < 2; round++) {
                int total = round == 0 ? warmup : count;
                next.set(0);
                long start = System.nanoTime();
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < PLAIN_LOOP_THREADS; t++) {
                    workers.add(threads.submit(() -> {
                        for (int n = next.getAndIncrement(); n < total; n = next.getAndIncrement()) {
                            String body = "{\"type\":\"CustomAction\",\"action_name\":\"gocertify-students\",\"customer_email\":\"plain"
                                    + n + "@bench.example\",\"created_at\":\"2026-11-25T10:15:30Z\"}";
                            HttpRequest request = HttpRequest.newBuilder(uri)
                                    .header("x-guid", "plain-guid").header("x-api-key", "plain-api-key")
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                            HttpResponse<Void> response;
                            try {
                                response = http.send(request, HttpResponse.BodyHandlers.discarding());
                            } catch (java.io.IOException e) {
                                // a pooled connection closed under the client ("header parser received no
                                // bytes", seen once): sent again on a new one, as the bridge's client would
                                response = http.send(request, HttpResponse.BodyHandlers.discarding());
                            }
                            if (response.statusCode() != 200) {
                                throw new IllegalStateException("stand-in answered " + response.statusCode());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get();
                }
                if (round == 1) {
                    return total / ((System.nanoTime() - start) / 1e9);
                }
            }
            throw new IllegalStateException("unreachable");
        } finally {
            threads.shutdownNow();
        }
    }

    /** Figure 4: a back-log of one merchant limited to 50/s drains at that rate and never above it. */
    private void backlogDrain() throws Exception {
        // at 1/s the first goes out at once, and more while the others are recorded (1 to 5 in session 33's
        // runs): topped up until the whole back-log waits
        progress("drain: recording " + BACKLOG + " verifications while the merchant is limited to 1/s");
        String guid = BridgeJar.guid("drain");
        long recorded = 0;
        try (LoadGenerator load = new LoadGenerator(bridge.port,
                Map.of("Authorization", "Bearer " + SECRET, "Content-Type", "application/json"), 202)) {
            for (long waiting = 0; waiting < BACKLOG; waiting = recorded - yotpo.count(guid)) {
                long from = recorded;
                Result loaded = load.closedLoop(seq -> webhook("drain", "d-" + (from + seq), "drain" + (from + seq)), 16,
                        BACKLOG - waiting);
                if (loaded.ok() < BACKLOG - waiting) {
                    throw new IllegalStateException("drain: " + loaded.errors() + " of the back-log's webhooks were refused");
                }
                recorded += loaded.ok();
            }
        }
        progress("drain: " + recorded + " recorded");
        int before = yotpo.count(guid);
        long released = System.nanoTime();
        register("drain", BACKLOG_RATE);
        int expected = (int) recorded - before;
        long deadline = released + TimeUnit.SECONDS.toNanos(expected / BACKLOG_RATE * 2L + 30);
        while (yotpo.count(guid) < recorded && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long[] all = yotpo.arrivals(guid);
        long[] times = Arrays.copyOfRange(all, before, all.length);
        int busiest = 0;
        for (int i = 0, j = 0; i < times.length; i++) {
            while (j < times.length && times[j] - times[i] < 1_000_000_000L) {
                j++;
            }
            busiest = Math.max(busiest, j - i);
        }
        double seconds = (times[times.length - 1] - released) / 1e9;
        double rate = times.length / seconds;
        progress(String.format("drain: %d of %d in %.1f s = %.1f/s; busiest 1 s window: %d calls", times.length, expected,
                seconds, rate, busiest));
        row("4", String.format("back-log of %d for one merchant limited to %d/s: drain rate (from the rate change to the last call)",
                expected, BACKLOG_RATE), String.format("%.1f/s = %.1f%% of the limit (%d of %d delivered)", rate,
                100 * rate / BACKLOG_RATE, times.length, expected), ">= 95%", rate >= 0.95 * BACKLOG_RATE && times.length == expected);
        row("4", "most calls Yotpo saw in any 1 s window (sliding, at the stand-in)", String.valueOf(busiest),
                "<= " + BACKLOG_RATE, busiest <= BACKLOG_RATE);
    }

    private void register(String merchant, int ratePerSecond) {
        bridge.putMerchant(merchant, SECRET, ratePerSecond);
    }

    /** Webhooks for a merchant, each a new verification: {run}-0, {run}-1, ... (or scattered: {@link #SCATTERED_IDS}) */
    static LongFunction<Request> webhooks(String merchant, String run) {
        return seq -> webhook(merchant, run + "-" + (SCATTERED_IDS ? Long.toHexString(scatter(seq)) : seq),
                "shopper-" + run + "-" + seq);
    }

    /** A one-to-one mix of the bits of n (SplitMix64's finalizer): distinct numbers stay distinct. */
    private static long scatter(long n) {
        long z = (n + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static Request webhook(String merchant, String verificationId, String emailLocal) {
        return new Request("/api/v1/merchants/" + merchant + "/verifications", Buffer.buffer(("{\"verification_id\":\""
                + verificationId + "\",\"campaign\":\"students\",\"email\":\"" + emailLocal + "@bench.example\"}")
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 + " MB").findFirst().orElse("unknown");
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        return String.format("%s; %d CPUs (%s), %s memory, %.1f GB free on the disk of %s, Java %s; load average at start: %s",
                ZonedDateTime.now().withNano(0), Runtime.getRuntime().availableProcessors(), cpu, memory, freeGigabytes(), OUT,
                System.getProperty("java.version"), load);
    }

    private void row(String figure, String what, String measured, String goal, Boolean met) {
        String verdict = met == null ? goal : goal + (met ? " (met)" : " (NOT MET)");
        line(String.format("| %s | %s | %s | %s |", figure, what, measured, verdict));
    }

    private void line(String text) {
        report.add(text);
        System.out.println(text);
    }

    private static void progress(String text) {
        System.out.println("  ... " + text);
    }

    static int freePort() {
        return RunningBridge.freePort();
    }

    private static double freeGigabytes() throws IOException {
        Path existing = OUT.toAbsolutePath();
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        return Files.getFileStore(existing).getUsableSpace() / 1e9;
    }

    /**
     * The bridge's WARN and ERROR lines (the first of each kind, at most five) logged since the last call. CI
     * shows the benchmark's output, not the bridge's log: when its disk filled up (session 31's CI run), every webhook
     * got a 503 and only the bridge's log said why.
     */
    private List<String> bridgeComplaints() throws IOException {
        Path log = OUT.resolve("bridge.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        String unread;
        // only what came since the last call: a bridge that failed all along can have logged a lot
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(log)) {
            unread = new String(java.nio.channels.Channels.newInputStream(file.position(logRead)).readAllBytes(),
                    StandardCharsets.UTF_8);
            logRead = file.position();
        }
        Map<String, String> firstOfEach = new LinkedHashMap<>();
        unread.lines().filter(text -> COMPLAINT.matcher(text).find()).forEach(text ->
                firstOfEach.putIfAbsent(text.replaceFirst("^\\S+ ", "").replaceAll("[0-9]+", "#"), text));
        return firstOfEach.values().stream().limit(5).toList();
    }

    /** Prints what the bridge complained of during a phase; the full runs BENCHMARKS.md records had none. */
    private void reportComplaints(String phase) throws IOException {
        List<String> complaints = bridgeComplaints();
        if (!complaints.isEmpty()) {
            progress("the bridge's log during " + phase + " (its first WARN and ERROR lines of each kind):");
            complaints.forEach(text -> System.out.println("      " + text));
        }
    }

    static void clean(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
