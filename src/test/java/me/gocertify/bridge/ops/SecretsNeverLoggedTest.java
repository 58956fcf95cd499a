package me.gocertify.bridge.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import com.github.tomakehurst.wiremock.WireMockServer;
import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.yotpo.YotpoCredentials;

/**
 * Every log line at TRACE, with Camel's exchange tracing on, through the happy path, refused
 * webhooks, admin calls and Yotpo failures: no secret in any of them, nor in any answer.
 */
class SecretsNeverLoggedTest {

    static final String API_KEY = "ApiKeyQ7v2Xk9Lm4Rt8Jw3";
    static final String GUID = "GuidZ8c3Wn5Pb1Hd6Ks0";
    static final String FAILING_API_KEY = "ApiKeyFailingN4b7Vc2Xz9";
    static final String FAILING_GUID = "GuidFailingM3q8Tr6Yu1";
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("log-test-signing-key-32-bytes!!!".getBytes(StandardCharsets.UTF_8));
    static final String PREVIOUS = "whsec_" + Base64.getEncoder().encodeToString("log-test-previous-key-24b".getBytes(StandardCharsets.UTF_8));
    static final String BEARER = "BearerSecretH5j2Lp9Qw4Ez7";

    @TempDir
    Path dataDir;

    WireMockServer yotpo;
    RunningBridge bridge;
    final Map<Logger, Level> levels = new HashMap<>();
    final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    SecretScanner scanner;

    /** Looks at every event as it is logged; keeps only the offending lines, so memory stays small. */
    static final class SecretScanner extends AppenderBase<ILoggingEvent> {
        final List<String> secrets;
        final List<String> leaks = new CopyOnWriteArrayList<>();
        final AtomicLong events = new AtomicLong();
        final AtomicLong traced = new AtomicLong();
        final AtomicLong tracedYotpoHeaders = new AtomicLong();

        SecretScanner(List<String> secrets) {
            this.secrets = secrets;
        }

        @Override
        protected void append(ILoggingEvent event) {
            events.incrementAndGet();
            StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            event.getMDCPropertyMap().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            String text = line.toString();
            // Camel's tracer logs each step under the name of its route file and line
            if (event.getLoggerName().contains(".camel.yaml:")) {
                traced.incrementAndGet();
                if (text.contains(YotpoCredentials.MERCHANT_HEADER)) {
                    tracedYotpoHeaders.incrementAndGet();
                }
            }
            for (String secret : secrets) {
                if (text.contains(secret) && leaks.size() < 50) {
                    leaks.add(event.getLevel() + " " + text.substring(0, Math.min(text.length(), 2000)));
                }
            }
        }
    }

    static final String HAWTIO_PASSWORD = "hawtio-pass-5f0c2a9e71";
    static final String HAWTIO_BASIC = java.util.Base64.getEncoder().encodeToString(
            ("admin:" + HAWTIO_PASSWORD).getBytes(StandardCharsets.UTF_8));

    @BeforeEach
    void traceEverything() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        scanner = new SecretScanner(List.of(API_KEY, GUID, FAILING_API_KEY, FAILING_GUID, SECRET, SECRET.substring(6),
                PREVIOUS, PREVIOUS.substring(6), BEARER, RunningBridge.ADMIN_TOKEN, RunningBridge.MASTER_KEY,
                HAWTIO_PASSWORD, HAWTIO_BASIC));
        scanner.setContext(logging);
        scanner.start();
        for (Logger logger : logging.getLoggerList()) {
            if (logger.getLevel() != null) {
                levels.put(logger, logger.getLevel());
                logger.setLevel(Level.TRACE);
            }
        }
        Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        levels.put(root, root.getLevel());
        root.setLevel(Level.TRACE);
        root.iteratorForAppenders().forEachRemaining(detached::add);
        detached.forEach(root::detachAppender); // the console would only slow a TRACE run down
        root.addAppender(scanner);

        yotpo = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        yotpo.start();
        yotpo.stubFor(post("/api/v2/actions").withHeader("x-guid", equalTo(GUID))
                .willReturn(aResponse().withStatus(200).withBody("{\"ok\":true}")));
        // Yotpo refusing, and echoing the credentials it was sent
        yotpo.stubFor(post("/api/v2/actions").withHeader("x-guid", equalTo(FAILING_GUID))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"bad credentials\",\"api_key\":\"" + FAILING_API_KEY + "\",\"guid\":\"" + FAILING_GUID + "\"}")));
        Properties settings = RunningBridge.settings(dataDir, yotpo.baseUrl());
        settings.setProperty("camel.main.tracing", "true");
        settings.setProperty("bridge.hawtio.enabled", "true");
        settings.setProperty("bridge.hawtio.password", HAWTIO_PASSWORD);
        bridge = RunningBridge.start(settings);
    }

    @AfterEach
    void restore() {
        try {
            if (bridge != null) {
                bridge.close();
            }
            yotpo.stop();
        } finally {
            LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
            Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(scanner);
            detached.forEach(root::addAppender);
            levels.forEach(Logger::setLevel);
        }
    }

    @Test
    void noSecretInAnyLogLineOrAnswer() {
        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(bridge.putMerchant("acme", "{\"yotpo_api_key\":\"" + API_KEY + "\",\"yotpo_guid\":\"" + GUID
                + "\",\"webhook_secret\":\"" + SECRET + "\",\"previous_webhook_secret\":\"" + PREVIOUS + "\"}"));
        answers.add(bridge.putMerchant("failing", "{\"yotpo_api_key\":\"" + FAILING_API_KEY + "\",\"yotpo_guid\":\"" + FAILING_GUID
                + "\",\"webhook_secret\":\"" + BEARER + "\",\"webhook_auth\":\"bearer\"}"));
        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(200));

        // happy path, and the previous secret during a rotation
        answers.add(bridge.postSigned("acme", SECRET, event("ok-1")));
        answers.add(bridge.postSigned("acme", PREVIOUS, event("ok-2")));
        // Yotpo refuses the bearer merchant's call
        answers.add(bridge.postWebhook("failing", event("fail-1").getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + BEARER)));
        // refused webhooks: a wrong signature (made with the real secret over another body), a wrong token, bad JSON
        String other = "{\"verification_id\":\"other\",\"campaign\":\"students\",\"email\":\"x@example.com\"}";
        answers.add(bridge.postWebhook("acme", event("refused-1").getBytes(StandardCharsets.UTF_8), Map.of(
                "Content-Type", "application/json", "webhook-id", "msg_1", "webhook-timestamp", String.valueOf(System.currentTimeMillis() / 1000),
                "webhook-signature", me.gocertify.bridge.webhook.SignatureVerifier.signature(SECRET, "msg_1",
                        String.valueOf(System.currentTimeMillis() / 1000), other.getBytes(StandardCharsets.UTF_8)))));
        answers.add(bridge.postWebhook("failing", event("refused-2").getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + BEARER + "-wrong")));
        answers.add(bridge.postWebhook("acme", "{\"verification_id\":".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + SECRET)));
        // Hawtio's login, with the right and a wrong password
        answers.add(RunningBridge.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(bridge.hawtioUrl("/hawtio/jolokia/version"))).header("Authorization", "Basic " + HAWTIO_BASIC)));
        answers.add(RunningBridge.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(bridge.hawtioUrl("/hawtio/jolokia/version"))).header("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)))));
        HttpResponse<String> invalid = bridge.postSigned("acme", SECRET,
                "{\"verification_id\":\"bad id\",\"campaign\":\"students\",\"email\":\"probe-value-never-echoed\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).doesNotContain("probe-value-never-echoed").doesNotContain("bad id");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(bridge.admin("GET", "/admin/merchants/acme/verifications/ok-1").body()).contains("\"status\":\"DELIVERED\"");
            assertThat(bridge.admin("GET", "/admin/merchants/acme/verifications/ok-2").body()).contains("\"status\":\"DELIVERED\"");
            assertThat(bridge.admin("GET", "/admin/merchants/failing/verifications/fail-1").body()).contains("\"status\":\"FAILED\"");
        });

        // admin calls, allowed and refused
        answers.add(bridge.admin("GET", "/admin/merchants/acme"));
        answers.add(bridge.admin("GET", "/admin/merchants/failing"));
        answers.add(bridge.admin("GET", "/admin/merchants/failing/verifications/fail-1"));
        answers.add(bridge.admin("GET", "/admin/dead-letters"));
        answers.add(bridge.admin("POST", "/admin/merchants/failing/verifications/fail-1/replay"));
        answers.add(RunningBridge.send(HttpRequest.newBuilder(URI.create(bridge.url("/admin/merchants/acme")))
                .header("Authorization", "Bearer " + RunningBridge.ADMIN_TOKEN + "-wrong").GET()));
        answers.add(RunningBridge.send(HttpRequest.newBuilder(URI.create(bridge.url("/admin/merchants/acme")))
                .header("Authorization", "Bearer " + BEARER).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"yotpo_api_key\":\"" + API_KEY + "\"}"))));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                bridge.admin("GET", "/admin/merchants/failing/verifications/fail-1").body()).contains("\"attempts\":2"));

        assertThat(bridge.admin("GET", "/admin/dead-letters").body()).contains("fail-1").contains("401");
        for (HttpResponse<String> answer : answers) {
            for (String secret : scanner.secrets) {
                assertThat(answer.body()).as("answer %s %s", answer.request().uri(), answer.statusCode()).doesNotContain(secret);
                answer.headers().map().values().forEach(values -> assertThat(String.join(",", values)).doesNotContain(secret));
            }
        }

        // the check saw a real TRACE run: Camel traced the exchanges, the Yotpo call's headers included (the credentials
        // are added by the HTTP client, so Camel's message only names the merchant)
        assertThat(scanner.events.get()).isGreaterThan(1000);
        assertThat(scanner.traced.get()).isPositive();
        assertThat(scanner.tracedYotpoHeaders.get()).isPositive();
        assertThat(scanner.leaks).isEmpty();
    }

    static String event(String verificationId) {
        return "{\"verification_id\":\"" + verificationId + "\",\"campaign\":\"students\",\"email\":\"jane@example.com\"}";
    }
}
