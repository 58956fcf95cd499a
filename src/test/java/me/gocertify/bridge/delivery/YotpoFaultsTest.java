package me.gocertify.bridge.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariDataSource;
import me.gocertify.bridge.support.CapturedLog;
import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;
import me.gocertify.bridge.yotpo.YotpoOutcomes;

/** Real faults from a WireMock Yotpo; each test counts the calls Yotpo received. */
class YotpoFaultsTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String GUID = "guid-0123456789abcdef";
    static final String API_KEY = "api-key-0123456789abcd";

    @TempDir
    Path dataDir;

    YotpoSimulator yotpo;
    WireMockServer lateYotpo;
    RunningBridge bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (yotpo != null) {
            yotpo.stop();
        }
        if (lateYotpo != null) {
            lateYotpo.stop();
        }
    }

    private Properties settings(String yotpoBaseUrl) {
        Properties settings = RunningBridge.settings(dataDir, yotpoBaseUrl);
        settings.setProperty("bridge.delivery.retry-initial-seconds", "1");
        settings.setProperty("bridge.delivery.retry-max-seconds", "2");
        settings.setProperty("bridge.delivery.history-delay-seconds", "1");
        return settings;
    }

    private void start(Properties settings) {
        bridge = RunningBridge.start(settings);
        bridge.registerMerchant("acme", API_KEY, GUID, SECRET, "signature");
    }

    private void accept(String merchantId, String verificationId, String email) {
        assertThat(bridge.postSigned(merchantId, SECRET, "{\"verification_id\":\"" + verificationId
                + "\",\"campaign\":\"students\",\"email\":\"" + email + "\",\"verified_at\":\"2026-11-25T10:15:30Z\"}")
                .statusCode()).isEqualTo(202);
    }

    private String status(String merchantId, String verificationId) {
        return bridge.admin("GET", "/admin/merchants/" + merchantId + "/verifications/" + verificationId).body();
    }

    private void awaitStatus(String merchantId, String verificationId, String status) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(status(merchantId, verificationId)).contains("\"status\":\"" + status + "\""));
    }

    @Test
    void yotpoDownThenBackDeliversOnce() {
        int port = RunningBridge.freePort();
        start(settings("http://127.0.0.1:" + port));

        accept("acme", "down-1", "jane@example.com");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status("acme", "down-1"))
                .contains("\"status\":\"PENDING\"").contains("ConnectException"));

        lateYotpo = new WireMockServer(com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
                .port(port).bindAddress("127.0.0.1"));
        lateYotpo.start();
        lateYotpo.stubFor(post("/api/v2/actions").willReturn(aResponse().withStatus(200)));

        awaitStatus("acme", "down-1", "DELIVERED");
        assertThat(lateYotpo.countRequestsMatching(post(urlPathEqualTo("/api/v2/actions")).build().getRequest()).getCount())
                .isEqualTo(1);
    }

    @Test
    void serverErrorsThreeTimesThenSuccessDeliversOnce() {
        yotpo = new YotpoSimulator();
        for (String[] step : new String[][] {{STARTED, "1"}, {"1", "2"}, {"2", "3"}}) {
            yotpo.answerActions(post(urlPathEqualTo("/api/v2/actions")).inScenario("flaky")
                    .whenScenarioStateIs(step[0]).willSetStateTo(step[1]), aResponse().withStatus(500));
        }
        yotpo.answerActions(post(urlPathEqualTo("/api/v2/actions")).inScenario("flaky").whenScenarioStateIs("3"),
                aResponse().withStatus(200));
        start(settings(yotpo.baseUrl()));

        accept("acme", "flaky-1", "jane@example.com");

        awaitStatus("acme", "flaky-1", "DELIVERED");
        assertThat(status("acme", "flaky-1")).contains("\"attempts\":4");
        assertThat(yotpo.received()).hasSize(4);
    }

    /**
     * A finished attempt wakes the deliverers to claim more (delivery-outcomes); what it wakes must not
     * inherit its fault. Half the shoppers' calls are refused with 503 each time, the rest awarded; a fault
     * passed on would fail an awarded call after its 200 (its outcome left unwritten until the lease ends,
     * or the call sent again).
     */
    @Test
    void aFailedAttemptsFaultNeverReachesTheAttemptsItWakes() {
        yotpo = new YotpoSimulator();
        yotpo.answerActions(post(urlPathEqualTo("/api/v2/actions")).withRequestBody(containing("refused-")).atPriority(1),
                aResponse().withStatus(503));
        Properties settings = settings(yotpo.baseUrl());
        // four claims in flight at most, so most claims follow a wake-up from a finished attempt
        settings.setProperty("bridge.delivery.concurrency", "2");
        settings.setProperty("yotpo.breaker.failure-rate-threshold", "100"); // half the calls failing leaves it closed
        start(settings);
        assertThat(bridge.registerMerchant("acme", API_KEY, GUID, SECRET, "signature", 1).statusCode()).isEqualTo(200);
        for (int i = 0; i < 60; i++) {
            accept("acme", "w-" + i, (i % 2 == 0 ? "awarded-" : "refused-") + i + "@example.com");
        }
        assertThat(bridge.registerMerchant("acme", API_KEY, GUID, SECRET, "signature", 1000).statusCode()).isEqualTo(200);

        for (int i = 0; i < 60; i += 2) {
            awaitStatus("acme", "w-" + i, "DELIVERED");
        }
        for (int i = 0; i < 60; i += 2) {
            assertThat(yotpo.receivedFor("awarded-" + i + "@example.com")).as("calls for w-" + i).isEqualTo(1);
            assertThat(status("acme", "w-" + i)).contains("\"attempts\":1");
        }
    }

    @Test
    void rateLimitedMerchantWaitsWhileAnotherKeepsDelivering() {
        yotpo = new YotpoSimulator();
        yotpo.answerActions(post(urlPathEqualTo("/api/v2/actions")).withHeader("x-guid", equalTo("guid-slow-000000000000"))
                .atPriority(1), aResponse().withStatus(429).withHeader("Retry-After", "3600"));
        start(settings(yotpo.baseUrl()));
        bridge.registerMerchant("slow", "api-key-slow-00000000", "guid-slow-000000000000", SECRET, "signature");

        accept("slow", "slow-1", "sam@example.com");
        await().atMost(Duration.ofSeconds(10)).until(() -> yotpo.receivedFor("sam@example.com") == 1);
        for (int i = 0; i < 10; i++) {
            accept("acme", "fast-" + i, "f" + i + "@example.com");
        }
        accept("slow", "slow-2", "sue@example.com");

        for (int i = 0; i < 10; i++) {
            awaitStatus("acme", "fast-" + i, "DELIVERED");
        }
        assertThat(status("slow", "slow-1")).contains("\"status\":\"PENDING\"").contains("429");
        // the merchant is paused until Retry-After: its next verification is not even tried
        assertThat(yotpo.receivedFor("sam@example.com")).isEqualTo(1);
        assertThat(yotpo.receivedFor("sue@example.com")).isZero();
        assertThat(status("slow", "slow-2")).contains("\"status\":\"PENDING\"");
    }

    @Test
    void theStoreFailingWhileYotpoAnswersLeavesTheAwardToItsLeaseNotToTheDeadLetters() {
        yotpo = new YotpoSimulator();
        yotpo.answerActions(aResponse().withStatus(200).withFixedDelay(1500));
        Properties settings = settings(yotpo.baseUrl());
        settings.setProperty("bridge.delivery.lease-seconds", "3");
        start(settings);
        try (CapturedLog outcomes = CapturedLog.of(YotpoOutcomes.class)) {
            accept("acme", "gone-1", "sam@example.com");
            await().atMost(Duration.ofSeconds(20)).until(() -> yotpo.receivedFor("sam@example.com") == 1);
            // the store goes away while Yotpo takes its time to answer: the award cannot be written down
            bridge.camel().getRegistry().lookupByNameAndType("dataSource", HikariDataSource.class).close();
            await().atMost(Duration.ofSeconds(20)).until(() -> outcomes.messages().stream()
                    .anyMatch(message -> message.contains("gone-1") && message.contains("Yotpo's history settles it")));
            assertThat(outcomes.messages()).noneMatch(message -> message.contains("FAILED"));
        }
        bridge.close();

        // the store is back (the bridge restarted on the same file): the attempt's lease has ended, and
        // Yotpo's history, not a second call, says it was awarded
        start(settings);
        awaitStatus("acme", "gone-1", "DELIVERED");
        assertThat(status("acme", "gone-1")).contains("confirmed from Yotpo's customer history");
        assertThat(yotpo.receivedFor("sam@example.com")).isEqualTo(1);
    }

    @Test
    void answerAfterTheTimeoutIsSettledFromYotposHistoryNotResent() {
        yotpo = new YotpoSimulator();
        yotpo.answerActions(aResponse().withStatus(200).withFixedDelay(3000));
        Properties settings = settings(yotpo.baseUrl());
        settings.setProperty("yotpo.response-timeout-ms", "1000");
        start(settings);

        accept("acme", "late-1", "jane@example.com");

        awaitStatus("acme", "late-1", "DELIVERED");
        assertThat(status("acme", "late-1")).contains("confirmed from Yotpo's customer history");
        assertThat(yotpo.receivedFor("jane@example.com")).isEqualTo(1);
    }

    @Test
    void unknownLeftToAnOperatorIsReplayedWithoutASecondAward() {
        yotpo = new YotpoSimulator();
        yotpo.answerActions(aResponse().withStatus(200).withFixedDelay(3000));
        yotpo.historyAvailable(false);
        Properties settings = settings(yotpo.baseUrl());
        settings.setProperty("yotpo.response-timeout-ms", "1000");
        settings.setProperty("bridge.delivery.history-checks", "1");
        start(settings);

        accept("acme", "unk-1", "jane@example.com");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status("acme", "unk-1"))
                .contains("\"status\":\"UNKNOWN\"").contains("history could not be read"));
        assertThat(bridge.admin("GET", "/admin/dead-letters?merchant_id=acme").body())
                .contains("\"verification_id\":\"unk-1\"").contains("\"status\":\"UNKNOWN\"");

        // the operator replays once Yotpo can tell again: the history shows the award, nothing is re-sent
        yotpo.historyAvailable(true);
        assertThat(bridge.admin("POST", "/admin/merchants/acme/verifications/unk-1/replay").body())
                .isEqualTo("{\"requeued\":1}");
        awaitStatus("acme", "unk-1", "DELIVERED");
        assertThat(status("acme", "unk-1")).contains("confirmed from Yotpo's customer history");
        assertThat(yotpo.receivedFor("jane@example.com")).isEqualTo(1);
    }

    @Test
    void unauthorizedFailsAtOnceThenFixedCredentialsAndReplayDeliverOnce() {
        yotpo = new YotpoSimulator();
        yotpo.answerActions(post(urlPathEqualTo("/api/v2/actions")).withHeader("x-api-key", equalTo("api-key-revoked-000000"))
                .atPriority(1), aResponse().withStatus(401).withBody("{\"error\":\"invalid api key\"}"));
        start(settings(yotpo.baseUrl()));
        bridge.registerMerchant("acme", "api-key-revoked-000000", GUID, SECRET, "signature");

        accept("acme", "auth-1", "jane@example.com");
        awaitStatus("acme", "auth-1", "FAILED");
        assertThat(status("acme", "auth-1")).contains("Yotpo answered 401").doesNotContain("api-key-revoked");
        assertThat(bridge.admin("GET", "/admin/dead-letters?merchant_id=acme").body())
                .contains("\"verification_id\":\"auth-1\"").contains("\"status\":\"FAILED\"");

        bridge.registerMerchant("acme", API_KEY, GUID, SECRET, "signature");
        assertThat(bridge.admin("POST", "/admin/merchants/acme/replay").body()).isEqualTo("{\"requeued\":1}");

        awaitStatus("acme", "auth-1", "DELIVERED");
        assertThat(yotpo.received()).extracting(YotpoSimulator.Action::apiKey)
                .containsExactly("api-key-revoked-000000", API_KEY);
        assertThat(bridge.admin("GET", "/admin/dead-letters?merchant_id=acme").body()).isEqualTo("{\"items\":[]}");
    }

    @Test
    void openBreakerMakesNoCallsKeepsAcceptingAndNeverPassesAsDelivered() {
        yotpo = new YotpoSimulator();
        yotpo.answerActions(aResponse().withStatus(503));
        Properties settings = settings(yotpo.baseUrl());
        settings.setProperty("yotpo.breaker.sliding-window-size", "4");
        settings.setProperty("yotpo.breaker.minimum-number-of-calls", "4");
        settings.setProperty("yotpo.breaker.wait-seconds-in-open-state", "3");
        settings.setProperty("yotpo.breaker.half-open-calls", "1");
        settings.setProperty("bridge.delivery.retry-initial-seconds", "60");
        start(settings);

        for (int i = 0; i < 4; i++) {
            accept("acme", "cb-" + i, "c" + i + "@example.com");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> yotpo.received().size() == 4);
        var breaker = (io.github.resilience4j.circuitbreaker.CircuitBreaker) bridge.camel().getRegistry().lookupByName("yotpoBreaker");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                breaker.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);

        // while open: the webhook still accepts, nothing reaches Yotpo, nothing passes as delivered
        for (int i = 4; i < 8; i++) {
            accept("acme", "cb-" + i, "c" + i + "@example.com");
        }
        for (int i = 4; i < 8; i++) {
            awaitStatus("acme", "cb-" + i, "PENDING");
            assertThat(status("acme", "cb-" + i)).contains("circuit breaker open");
        }
        assertThat(yotpo.received()).hasSize(4);

        // Yotpo recovers: the half-open probe succeeds, the breaker closes, the held ones go out once
        yotpo.answerActions(aResponse().withStatus(200));
        for (int i = 4; i < 8; i++) {
            awaitStatus("acme", "cb-" + i, "DELIVERED");
        }
        assertThat(breaker.getState()).isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
        for (int i = 4; i < 8; i++) {
            assertThat(yotpo.receivedFor("c" + i + "@example.com")).isEqualTo(1);
        }
    }
}
