package me.gocertify.bridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import me.gocertify.bridge.Application;
import me.gocertify.bridge.webhook.SignatureVerifier;

/**
 * The bridge exactly as it runs in production (Camel Main, the routes/ and application.properties
 * of the project), on free loopback ports, with its own H2 file database in a folder of the test.
 */
public final class RunningBridge implements AutoCloseable {

    public static final String ADMIN_TOKEN = "test-admin-token-7c1f0e2d9b";
    public static final String MASTER_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Main main;
    private final int port;
    private final int managementPort;
    private final Path dataDir;

    private RunningBridge(Main main, int port, int managementPort, Path dataDir) {
        this.main = main;
        this.port = port;
        this.managementPort = managementPort;
        this.dataDir = dataDir;
    }

    public static Properties settings(Path dataDir, String yotpoBaseUrl) {
        Properties p = new Properties();
        p.setProperty("camel.server.port", String.valueOf(freePort()));
        p.setProperty("camel.management.port", String.valueOf(freePort()));
        p.setProperty("bridge.db.url", "jdbc:h2:file:" + dataDir.resolve("bridge").toAbsolutePath() + ";WRITE_DELAY=0");
        p.setProperty("bridge.data-dir", dataDir.toString());
        p.setProperty("bridge.admin-token", ADMIN_TOKEN);
        p.setProperty("bridge.master-key", MASTER_KEY);
        p.setProperty("yotpo.base-url", yotpoBaseUrl);
        p.setProperty("yotpo.response-timeout-ms", "2000");
        p.setProperty("bridge.delivery.poll-interval-ms", "100");
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
        return new RunningBridge(main, Integer.parseInt(settings.getProperty("camel.server.port")),
                Integer.parseInt(settings.getProperty("camel.management.port")),
                Path.of(settings.getProperty("bridge.data-dir")));
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

    public HttpResponse<String> putMerchant(String merchantId, String json) {
        return send(HttpRequest.newBuilder(URI.create(url("/admin/merchants/" + merchantId)))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> registerMerchant(String merchantId, String apiKey, String guid, String secret, String auth) {
        HttpResponse<String> response = putMerchant(merchantId, String.format(
                "{\"yotpo_api_key\":\"%s\",\"yotpo_guid\":\"%s\",\"webhook_secret\":\"%s\",\"webhook_auth\":\"%s\","
                        + "\"rate_limit_per_second\":50}", apiKey, guid, secret, auth));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("merchant not registered: " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    public HttpResponse<String> admin(String method, String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** Posts a webhook signed the Standard Webhooks way with the given secret, timestamped now. */
    public HttpResponse<String> postSigned(String merchantId, String secret, String json) {
        String id = "msg_" + System.nanoTime();
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return postWebhook(merchantId, body, Map.of("Content-Type", "application/json", "webhook-id", id,
                "webhook-timestamp", timestamp, "webhook-signature", SignatureVerifier.signature(secret, id, timestamp, body)));
    }

    public HttpResponse<String> postWebhook(String merchantId, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/api/v1/merchants/" + merchantId + "/verifications")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request);
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        main.stop();
    }
}
