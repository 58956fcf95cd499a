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
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path")));
        // Hawtio only where a test asks for it: several bridges on one machine would share its port
        command.add("-Dbridge.hawtio.enabled=" + settings.getOrDefault("bridge.hawtio.enabled", "false"));
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
        Awaitility.await("bridge process ready").atMost(Duration.ofSeconds(60))
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
