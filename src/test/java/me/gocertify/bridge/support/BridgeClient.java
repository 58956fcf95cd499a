package me.gocertify.bridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import me.gocertify.bridge.webhook.SignatureVerifier;

/** What Gocertify and an operator send to a bridge, over real HTTP. */
public final class BridgeClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;

    public BridgeClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public HttpResponse<String> putMerchant(String merchantId, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/merchants/" + merchantId))
                .header("Authorization", "Bearer " + RunningBridge.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> registerMerchant(String merchantId, String apiKey, String guid, String secret, String auth) {
        return registerMerchant(merchantId, apiKey, guid, secret, auth, 50);
    }

    public HttpResponse<String> registerMerchant(String merchantId, String apiKey, String guid, String secret, String auth,
            int rateLimitPerSecond) {
        HttpResponse<String> response = putMerchant(merchantId, String.format(
                "{\"yotpo_api_key\":\"%s\",\"yotpo_guid\":\"%s\",\"webhook_secret\":\"%s\",\"webhook_auth\":\"%s\","
                        + "\"rate_limit_per_second\":%d}", apiKey, guid, secret, auth, rateLimitPerSecond));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("merchant not registered: " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    public HttpResponse<String> admin(String method, String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + RunningBridge.ADMIN_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** Posts a webhook signed the Standard Webhooks way with the given secret, timestamped now. */
    public HttpResponse<String> postSigned(String merchantId, String secret, String json) {
        return postWebhook(merchantId, json.getBytes(StandardCharsets.UTF_8), signedHeaders(secret, json));
    }

    /** The headers of a JSON webhook signed the Standard Webhooks way with the given secret, timestamped now. */
    public static Map<String, String> signedHeaders(String secret, String json) {
        String id = "msg_" + System.nanoTime();
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        return Map.of("Content-Type", "application/json", "webhook-id", id, "webhook-timestamp", timestamp,
                "webhook-signature", SignatureVerifier.signature(secret, id, timestamp, json.getBytes(StandardCharsets.UTF_8)));
    }

    public HttpResponse<String> postWebhook(String merchantId, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/merchants/" + merchantId + "/verifications"))
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
}
