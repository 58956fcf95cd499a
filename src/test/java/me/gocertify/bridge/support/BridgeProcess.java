package me.gocertify.bridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

import me.gocertify.bridge.Application;

/**
 * The bridge in a JVM of its own, configured through environment variables as an operator would,
 * so a test can kill it with SIGKILL (Process.destroyForcibly) or stop it with SIGTERM (destroy).
 */
public final class BridgeProcess implements AutoCloseable {

    /**
     * The bridge JVMs' options in tests: the heap cap the README recommends, and the C1 compiler only,
     * with one compiler thread and the serial collector. Tests start several bridges on a small,
     * often busy machine; measured there (SeveralInstancesTest, load 25 to 30), a bridge with the
     * JVM's defaults used about 11 s of CPU to get ready and about 36 ms per webhook (with its
     * delivery) in its first minute, with these options about 6 s and 24 ms. A test's bridge never
     * runs long enough to gain from C2.
     * -Dbridge.process.jvmOptions="..." replaces them.
     */
    public static final String JVM_OPTIONS = System.getProperty("bridge.process.jvmOptions",
            "-Xmx256m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC");
    /** Starting takes seconds alone; three bridges at once on a loaded 2-core machine took 45 s. */
    private static final Duration START_CAP = Duration.ofSeconds(180);

    private final Process process;
    private final int port;
    private final int managementPort;

    private BridgeProcess(Process process, int port, int managementPort) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts a bridge on the given database, with extra settings as system properties, and waits until it is ready. */
    public static BridgeProcess start(String dbUrl, String yotpoBaseUrl, Path log, Map<String, String> settings) {
        int port = RunningBridge.freePort();
        int managementPort = RunningBridge.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(JVM_OPTIONS.trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        // Hawtio only where a test asks for it: several bridges on one machine would share its port
        command.add("-Dbridge.hawtio.enabled=" + settings.getOrDefault("bridge.hawtio.enabled", "false"));
        // Vert.x's file cache folder beside the log, not in /tmp: a killed bridge cannot remove it
        command.add("-Dvertx.cacheDirBase=" + log.toAbsolutePath().resolveSibling("vertx-cache"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add(Application.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("BRIDGE_HTTP_PORT", String.valueOf(port));
        env.put("BRIDGE_MANAGEMENT_PORT", String.valueOf(managementPort));
        // Hawtio's default port would clash with any other bridge on this machine
        env.put("BRIDGE_HAWTIO_PORT", String.valueOf(RunningBridge.freePort()));
        env.put("BRIDGE_DB_URL", dbUrl);
        env.put("BRIDGE_MASTER_KEY", RunningBridge.MASTER_KEY);
        env.put("BRIDGE_ADMIN_TOKEN", RunningBridge.ADMIN_TOKEN);
        env.put("YOTPO_BASE_URL", yotpoBaseUrl);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BridgeProcess bridge = new BridgeProcess(process, port, managementPort);
        Awaitility.await("bridge process ready").atMost(START_CAP)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the bridge process exited; see " + log);
                    }
                    return bridge.ready();
                });
        return bridge;
    }

    private boolean ready() {
        try {
            return RunningBridge.send(HttpRequest.newBuilder(URI.create(managementUrl("/observe/health/ready")))
                    .timeout(Duration.ofSeconds(2))).statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public BridgeClient client() {
        return new BridgeClient(url(""));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush, as kill -9. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: the bridge's graceful shutdown. */
    public int terminate() {
        process.destroy();
        return waitForExit();
    }

    private int waitForExit() {
        try {
            process.waitFor();
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
