package me.gocertify.bridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The bridge as an operator runs it: {@code java -jar gocertify-yotpo-bridge.jar} in a folder of its
 * own (its data/ there), configured by environment variables, on loopback ports. Times its start
 * to ready and samples its resident memory.
 */
final class BridgeJar implements AutoCloseable {

    static final String ADMIN_TOKEN = "bench-admin-token-5d1c8e0f7a";
    static final String MASTER_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    final int port;
    final int managementPort;
    final double readyMillis;
    private final AtomicLong peakRssKb = new AtomicLong();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rss-sampler");
        t.setDaemon(true);
        return t;
    });

    private BridgeJar(Process process, int port, int managementPort, double readyMillis) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.readyMillis = readyMillis;
        sampler.scheduleAtFixedRate(() -> peakRssKb.accumulateAndGet(rssKb(), Math::max), 0, 200, TimeUnit.MILLISECONDS);
    }

    /** Launches the jar in {@code workDir} and waits for /observe/health/ready to answer 200. */
    static BridgeJar start(Path jar, Path workDir, String yotpoBaseUrl, List<String> jvmArgs, Path log) throws Exception {
        Files.createDirectories(workDir);
        int port = Benchmark.freePort();
        int managementPort = Benchmark.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        // every listener on loopback only
        command.add("-Dcamel.server.host=127.0.0.1");
        command.add("-Dcamel.management.host=127.0.0.1");
        command.add("-Dbridge.hawtio.host=127.0.0.1");
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("BRIDGE_HTTP_PORT", String.valueOf(port));
        env.put("BRIDGE_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("BRIDGE_HAWTIO_PORT", String.valueOf(Benchmark.freePort()));
        env.put("BRIDGE_MASTER_KEY", MASTER_KEY);
        env.put("BRIDGE_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("HAWTIO_PASSWORD", "bench-hawtio-password");
        env.put("YOTPO_BASE_URL", yotpoBaseUrl);
        env.put("BRIDGE_INBOX_DIR", workDir.resolve("inbox").toString());
        // the probe must not slow the start it times, on the same two cores: in this young JVM its HTTP client
        // (classes, threads, interpreted code) and its refused connections took 0.7 s of CPU during a 2.8 s
        // start, 0.2 s with the client warmed first and plain connection attempts until the port listens
        // (session 30)
        answersOk(URI.create(yotpoBaseUrl + "/"));
        // nor this JVM's own compilers, still busy with the benchmark's start when the first start is timed: this JVM
        // took 390 to 470 ms of CPU during that start, 230 to 320 ms after waiting (session 33)
        Benchmark.awaitCompilerQuiet(ProcessHandle.current().pid());
        long launched = System.nanoTime();
        Process process = builder.start();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready");
        long deadline = launched + TimeUnit.SECONDS.toNanos(120);
        boolean listening = false;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the bridge exited during start; see " + log);
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the bridge was not ready within 120 s; see " + log);
            }
            // a plain connection attempt until the management port listens, the HTTP client after that
            listening = listening || listening(managementPort);
            if (listening && answersOk(ready)) {
                break;
            }
            Thread.sleep(10);
        }
        return new BridgeJar(process, port, managementPort, (System.nanoTime() - launched) / 1e6);
    }

    /** True if a GET of {@code uri} is answered 200; false for any other answer or none. */
    private static boolean answersOk(URI uri) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory now, from /proc/{pid}/status (VmRSS), in KiB; 0 if unreadable. */
    long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone, or no /proc here
        }
        return 0;
    }

    /** The largest resident memory sampled (every 200 ms) since the last reset, in MiB. */
    double peakRssMb() {
        return peakRssKb.get() / 1024.0;
    }

    void resetPeakRss() {
        peakRssKb.set(rssKb());
    }

    /** One read of the bridge's Prometheus metrics (/observe/metrics): every figure below from the same moment. */
    Metrics scrape() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics"))
                .timeout(Duration.ofSeconds(30)).build();
        try {
            return new Metrics(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body().split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The samples of one scrape, read as the benchmark's figures. */
    static final class Metrics {

        private final String[] lines;

        private Metrics(String[] lines) {
            this.lines = lines;
        }

        /**
         * The collector's pauses so far (jvm_gc_pause_seconds, polled from the collectors' MXBeans by
         * ops.GcPauseMetrics, every collector summed): {count, total seconds, and of them the full
         * collections' count and total seconds}.
         */
        double[] gcPauses() {
            // Micrometer writes a sample's labels sorted by name: action comes first, as GcPauseMetrics tags it
            String full = "{action=\"end of major GC\"";
            return sums("jvm_gc_pause_seconds_count", "jvm_gc_pause_seconds_sum", "jvm_gc_pause_seconds_count" + full,
                    "jvm_gc_pause_seconds_sum" + full);
        }

        /**
         * The old generation's bytes in use and committed, {used, committed}, whichever collector's it is (the
         * parallel collector's, G1's or the serial one's): how near the next full collection is.
         */
        double[] oldGeneration() {
            return new double[] {oldGeneration("jvm_memory_used_bytes"), oldGeneration("jvm_memory_committed_bytes")};
        }

        /** The metric summed over the old generation's pools, whichever collector names them (one is there). */
        private double oldGeneration(String metric) {
            return Arrays.stream(sums(Stream.of("PS Old Gen", "G1 Old Gen", "Tenured Gen")
                    .map(pool -> metric + "{area=\"heap\",id=\"" + pool + "\"").toArray(String[]::new))).sum();
        }

        /** The embedded store's shared commits so far: {commits, writes they carried, writer's seconds committing, compacting}. */
        double[] storeCommits() {
            return sums("bridge_store_commits_total", "bridge_store_commit_writes_total", "bridge_store_committing_seconds_total",
                    "bridge_store_compacting_seconds_total");
        }

        /**
         * Each named metric summed over its labels (0 when absent); a name with a "{" counts only the samples
         * whose name and first labels begin so.
         */
        private double[] sums(String... names) {
            double[] sums = new double[names.length];
            for (String line : lines) {
                // a sample is "name{labels} value" or "name value"; comments start with #
                int labels = line.indexOf('{');
                int nameEnd = labels >= 0 ? labels : line.indexOf(' ');
                if (nameEnd < 0) {
                    continue;
                }
                String sampleName = line.substring(0, nameEnd);
                for (int index = 0; index < names.length; index++) {
                    String name = names[index];
                    if (name.indexOf('{') >= 0 ? line.startsWith(name) : sampleName.equals(name)) {
                        sums[index] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            }
            return sums;
        }
    }

    /** The Yotpo GUID a merchant of the benchmark is set up with; the stand-in counts calls by it. */
    static String guid(String merchant) {
        return "guid-" + merchant;
    }

    /** Sets a merchant up through the admin API: bearer-authenticated webhooks, calls counted under {@link #guid}. */
    void putMerchant(String merchant, String bearerSecret, int ratePerSecond) {
        admin("PUT", "/admin/merchants/" + merchant, String.format("{\"yotpo_api_key\":\"api-key-%s-0123456789\","
                + "\"yotpo_guid\":\"%s\",\"webhook_secret\":\"%s\",\"webhook_auth\":\"bearer\",\"rate_limit_per_second\":%d}",
                merchant, guid(merchant), bearerSecret, ratePerSecond));
    }

    /** An admin API call; fails the benchmark on anything but 2xx. */
    String admin(String method, String path, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, the graceful shutdown; then waits for the exit. */
    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** As {@link #close}, timed: milliseconds from SIGTERM to the process's exit (60 s and more: killed). */
    double stop() throws InterruptedException {
        sampler.shutdownNow();
        long signalled = System.nanoTime();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return (System.nanoTime() - signalled) / 1e6;
    }
}
