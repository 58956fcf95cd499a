package me.gocertify.bridge.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;
import me.gocertify.bridge.support.RunningBridge;

class YotpoFaultsTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir
    Path dataDir;

    WireMockServer yotpo;
    RunningBridge bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (yotpo != null) {
            yotpo.stop();
        }
    }

    private void startBridge(int yotpoPort) {
        Properties settings = RunningBridge.settings(dataDir, "http://127.0.0.1:" + yotpoPort);
        settings.setProperty("bridge.delivery.retry-initial-seconds", "1");
        settings.setProperty("bridge.delivery.retry-max-seconds", "2");
        bridge = RunningBridge.start(settings);
        bridge.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
    }

    private String status(String verificationId) {
        return bridge.admin("GET", "/admin/merchants/acme/verifications/" + verificationId).body();
    }

    @Test
    void yotpoDownThenBackDeliversOnce() {
        int port = RunningBridge.freePort();
        startBridge(port);

        assertThat(bridge.postSigned("acme", SECRET,
                "{\"verification_id\":\"down-1\",\"campaign\":\"students\",\"email\":\"jane@example.com\"}").statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status("down-1"))
                .contains("\"status\":\"PENDING\"").contains("ConnectException"));

        yotpo = new WireMockServer(options().port(port).bindAddress("127.0.0.1"));
        yotpo.start();
        yotpo.stubFor(post("/api/v2/actions").willReturn(aResponse().withStatus(200)));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(status("down-1")).contains("\"status\":\"DELIVERED\""));
        yotpo.verify(1, postRequestedFor(urlEqualTo("/api/v2/actions")));
    }
}
