package me.gocertify.bridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.store.Jdbc;
import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;

class RateLimitTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir
    Path dataDir;

    YotpoSimulator yotpo;
    RunningBridge bridge;

    @BeforeEach
    void start() {
        yotpo = new YotpoSimulator();
        bridge = RunningBridge.start(dataDir, yotpo.baseUrl());
    }

    @AfterEach
    void stop() {
        bridge.close();
        yotpo.stop();
    }

    @Test
    void eachMerchantStaysWithinItsRateInEverySecond() {
        for (String merchant : new String[] {"five", "ten"}) {
            int limit = merchant.equals("five") ? 5 : 10;
            assertThat(bridge.putMerchant(merchant, "{\"yotpo_api_key\":\"api-key-" + merchant + "-0000000\",\"yotpo_guid\":\"guid-"
                    + merchant + "-000000000\",\"webhook_secret\":\"" + SECRET + "\",\"rate_limit_per_second\":" + limit + "}")
                    .statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 25; i++) {
            for (String merchant : new String[] {"five", "ten"}) {
                assertThat(bridge.postSigned(merchant, SECRET, "{\"verification_id\":\"r-" + i + "\",\"campaign\":\"students\","
                        + "\"email\":\"" + merchant + i + "@example.com\"}").statusCode()).isEqualTo(202);
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> yotpo.received().size() == 50);
        assertThat(yotpo.busiestSecond("guid-five-000000000")).isBetween(1, 5);
        assertThat(yotpo.busiestSecond("guid-ten-000000000")).isBetween(1, 10);
        // on the embedded H2 the slots were kept in memory (MerchantRateLimiter.inMemory): not one row written
        Jdbc store = new Jdbc(bridge.camel().getRegistry().lookupByNameAndType("dataSource", DataSource.class));
        assertThat(store.query("SELECT COUNT(*) FROM rate_slot", row -> row.getInt(1))).containsExactly(0);
    }

    @Test
    void aSlowMerchantNeverDelaysAnother() {
        yotpo.answerActions(com.github.tomakehurst.wiremock.client.WireMock.post(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v2/actions"))
                        .withHeader("x-guid", com.github.tomakehurst.wiremock.client.WireMock.equalTo("guid-slow-000000000")).atPriority(1),
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withFixedDelay(1500));
        for (String merchant : new String[] {"slow", "fast"}) {
            assertThat(bridge.putMerchant(merchant, "{\"yotpo_api_key\":\"api-key-" + merchant + "-0000000\",\"yotpo_guid\":\"guid-"
                    + merchant + "-000000000\",\"webhook_secret\":\"" + SECRET + "\",\"rate_limit_per_second\":20}")
                    .statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 40; i++) {
            assertThat(bridge.postSigned("slow", SECRET, "{\"verification_id\":\"s-" + i + "\",\"campaign\":\"students\","
                    + "\"email\":\"slow" + i + "@example.com\"}").statusCode()).isEqualTo(202);
        }
        long began = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(bridge.postSigned("fast", SECRET, "{\"verification_id\":\"f-" + i + "\",\"campaign\":\"students\","
                    + "\"email\":\"fast" + i + "@example.com\"}").statusCode()).isEqualTo(202);
        }
        // the slow merchant's calls (1.5 s each, 40 of them) never take every deliverer: the fast ones go out meanwhile
        await().atMost(Duration.ofSeconds(5)).until(() -> yotpo.received().stream()
                .filter(action -> action.guid().equals("guid-fast-000000000")).count() == 5);
        assertThat(yotpo.received().stream().filter(action -> action.guid().equals("guid-slow-000000000")).count())
                .isLessThan(40);
        assertThat((System.nanoTime() - began) / 1_000_000).isLessThan(5_000);
    }
}
