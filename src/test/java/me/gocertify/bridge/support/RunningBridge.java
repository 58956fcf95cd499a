package me.gocertify.bridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import me.gocertify.bridge.Application;
import me.gocertify.bridge.ops.HawtioConsole;

/**
 * The bridge exactly as it runs in production (Camel Main, the routes/ and application.properties
 * of the project), on free loopback ports, with its own H2 file database in a folder of the test.
 */
public final class RunningBridge implements AutoCloseable {

    public static final String ADMIN_TOKEN = "test-admin-token-7c1f0e2d9b";
    public static final String MASTER_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    private final Main main;
    private final int port;
    private final int managementPort;
    private final int hawtioPort;
    private final Path dataDir;

    private RunningBridge(Main main, int port, int managementPort, int hawtioPort, Path dataDir) {
        this.main = main;
        this.port = port;
        this.managementPort = managementPort;
        this.hawtioPort = hawtioPort;
        this.dataDir = dataDir;
    }

    public static Properties settings(Path dataDir, String yotpoBaseUrl) {
        Properties p = new Properties();
        p.setProperty("camel.server.port", String.valueOf(freePort()));
        p.setProperty("camel.management.port", String.valueOf(freePort()));
        p.setProperty("bridge.db.url", "jdbc:h2:file:" + dataDir.resolve("bridge").toAbsolutePath() + ";WRITE_DELAY=0");
        p.setProperty("bridge.data-dir", dataDir.toString());
        p.setProperty("bridge.admin.token", ADMIN_TOKEN);
        p.setProperty("bridge.master.secret-key", MASTER_KEY);
        p.setProperty("yotpo.base-url", yotpoBaseUrl);
        p.setProperty("yotpo.response-timeout-ms", "2000");
        p.setProperty("bridge.delivery.poll-interval-ms", "100");
        // Hawtio takes seconds to start: only the tests about it turn it on
        p.setProperty("bridge.hawtio.enabled", "false");
        p.setProperty("bridge.hawtio.host", "127.0.0.1");
        p.setProperty("bridge.hawtio.port", String.valueOf(freePort()));
        p.setProperty("bridge.inbox-dir", dataDir.resolve("inbox").toString());
        p.setProperty("bridge.inbox.quiet-ms", "300");
        p.setProperty("bridge.inbox.poll-ms", "100");
        return p;
    }

    public static RunningBridge start(Path dataDir, String yotpoBaseUrl) {
        return start(settings(dataDir, yotpoBaseUrl));
    }

    public static RunningBridge start(Properties settings) {
        Main main = Application.create(settings);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("the bridge did not start", e);
        }
        // Hawtio starts beside the bridge: the tests about it wait until it answers
        HawtioConsole hawtio = main.getCamelContext().getRegistry().lookupByNameAndType("hawtioConsole", HawtioConsole.class);
        if (hawtio != null) {
            try {
                hawtio.awaitStarted(Duration.ofSeconds(120));
            } catch (Exception e) {
                main.stop();
                throw new IllegalStateException("Hawtio did not start", e);
            }
        }
        RunningBridge bridge = new RunningBridge(main, Integer.parseInt(settings.getProperty("camel.server.port")),
                Integer.parseInt(settings.getProperty("camel.management.port")),
                Integer.parseInt(settings.getProperty("bridge.hawtio.port", "8081")),
                Path.of(settings.getProperty("bridge.data-dir")));
        // ready as an operator sees it: every route runs (the inbox has been polled once) and the store answers
        org.awaitility.Awaitility.await("bridge ready").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> bridge.get(bridge.managementUrl("/observe/health/ready")).statusCode() == 200);
        return bridge;
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The file-drop folder (by default inside the test's data folder). */
    public Path inbox() {
        return Path.of(camel().resolvePropertyPlaceholders("{{bridge.inbox-dir}}"));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public BridgeClient client() {
        return new BridgeClient(url(""));
    }

    public String hawtioUrl(String path) {
        return "http://127.0.0.1:" + hawtioPort + path;
    }

    public HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public HttpResponse<String> putMerchant(String merchantId, String json) {
        return client().putMerchant(merchantId, json);
    }

    public HttpResponse<String> registerMerchant(String merchantId, String apiKey, String guid, String secret, String auth) {
        return client().registerMerchant(merchantId, apiKey, guid, secret, auth);
    }

    public HttpResponse<String> registerMerchant(String merchantId, String apiKey, String guid, String secret, String auth,
            int rateLimitPerSecond) {
        return client().registerMerchant(merchantId, apiKey, guid, secret, auth, rateLimitPerSecond);
    }

    public HttpResponse<String> admin(String method, String path) {
        return client().admin(method, path);
    }

    public HttpResponse<String> postSigned(String merchantId, String secret, String json) {
        return client().postSigned(merchantId, secret, json);
    }

    public HttpResponse<String> postWebhook(String merchantId, byte[] body, Map<String, String> headers) {
        return client().postWebhook(merchantId, body, headers);
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
        return BridgeClient.send(request);
    }

    /**
     * A loopback port free now and never handed out before in this JVM: the system may offer a port
     * again as soon as it is closed, and a bridge given one port for two servers does not start (nor
     * do two bridges given one port).
     */
    public static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void close() {
        main.stop();
    }
}
