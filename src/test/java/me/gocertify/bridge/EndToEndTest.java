package me.gocertify.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;
import me.gocertify.bridge.support.RunningBridge;

class EndToEndTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir
    Path dataDir;

    WireMockServer yotpo;
    RunningBridge bridge;

    @BeforeEach
    void start() {
        yotpo = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        yotpo.start();
        yotpo.stubFor(post("/api/v2/actions").willReturn(aResponse().withStatus(200).withBody("{}")));
        bridge = RunningBridge.start(dataDir, yotpo.baseUrl());
        bridge.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
    }

    @AfterEach
    void stop() {
        bridge.close();
        yotpo.stop();
    }

    @Test
    void signedWebhookBecomesOneYotpoCustomAction() {
        var response = bridge.postSigned("acme", SECRET,
                "{\"verification_id\":\"ver-1\",\"campaign\":\"students\",\"email\":\"jane@example.com\","
                        + "\"verified_at\":\"2026-11-25T10:15:30.250Z\",\"reward_points\":1000}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEqualTo("{\"status\":\"accepted\",\"verification_id\":\"ver-1\"}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                yotpo.verify(1, postRequestedFor(urlEqualTo("/api/v2/actions"))
                        .withHeader("x-guid", equalTo("guid-0123456789abcdef"))
                        .withHeader("x-api-key", equalTo("api-key-0123456789abcd"))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson("{\"type\":\"CustomAction\",\"action_name\":\"gocertify-students\","
                                + "\"customer_email\":\"jane@example.com\",\"created_at\":\"2026-11-25T10:15:30Z\"}"))));
        await().untilAsserted(() -> assertThat(bridge.admin("GET", "/admin/merchants/acme/verifications/ver-1").body())
                .contains("\"status\":\"DELIVERED\"").contains("\"attempts\":1"));
    }
}
