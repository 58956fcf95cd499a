package me.gocertify.bridge.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.BridgeClient;
import me.gocertify.bridge.support.BridgeProcess;
import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;

/**
 * The bridge's JVM killed with SIGKILL mid-burst, or stopped with SIGTERM mid-delivery: every
 * acknowledged verification still ends DELIVERED with exactly one award in Yotpo.
 */
class CrashAndShutdownTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Map<String, String> FAST_RECOVERY = Map.of(
            "bridge.delivery.lease-seconds", "3", "bridge.delivery.history-delay-seconds", "1");

    @TempDir
    Path dir;

    YotpoSimulator yotpo;
    String db;

    @BeforeEach
    void start() {
        yotpo = new YotpoSimulator();
        db = "jdbc:h2:file:" + dir.resolve("bridge").toAbsolutePath() + ";WRITE_DELAY=0";
    }

    @AfterEach
    void stop() {
        yotpo.stop();
    }

    @Test
    void killDashNineInTheMiddleOfABurstLosesAndDoublesNothing() throws Exception {
        yotpo.answerActions(aResponse().withStatus(200).withFixedDelay(20));
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (BridgeProcess first = BridgeProcess.start(db, yotpo.baseUrl(), logFile("first"), FAST_RECOVERY)) {
            BridgeClient client = first.client();
            client.putMerchant("acme", "{\"yotpo_api_key\":\"api-key-0123456789abcd\",\"yotpo_guid\":\"guid-0123456789abcdef\","
                    + "\"webhook_secret\":\"" + SECRET + "\",\"rate_limit_per_second\":1000}");
            AtomicInteger next = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(8);
            for (int t = 0; t < 8; t++) {
                senders.submit(() -> {
                    for (int i = next.getAndIncrement(); i < 1000; i = next.getAndIncrement()) {
                        try {
                            var response = client.postSigned("acme", SECRET, "{\"verification_id\":\"b-" + i
                                    + "\",\"campaign\":\"students\",\"email\":\"b" + i + "@example.com\"}");
                            if (response.statusCode() == 202) {
                                acknowledged.add("b" + i + "@example.com");
                            }
                        } catch (RuntimeException e) {
                            // the bridge died under this request: not acknowledged
                        }
                    }
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 500);
            first.kill();
            senders.shutdown();
            assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged.size()).isBetween(500, 999);

        try (BridgeProcess second = BridgeProcess.start(db, yotpo.baseUrl(), logFile("second"), FAST_RECOVERY)) {
            // a failure shows the counts (a FAILED one's cause is in the process's log, target/process-logs)
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(statusCounts(second)).containsOnlyKeys("DELIVERED"));
            second.terminate();
        }
        Map<String, Long> awardsPerEmail = new HashMap<>();
        yotpo.received().forEach(action -> awardsPerEmail.merge(action.email(), 1L, Long::sum));
        assertThat(awardsPerEmail.values()).as("awards per verification").allMatch(count -> count == 1);
        assertThat(awardsPerEmail.keySet()).containsAll(acknowledged);
        assertThat(statusesInDatabase()).as("every recorded verification ends DELIVERED").containsOnlyKeys("DELIVERED");
    }

    @Test
    void sigtermLetsInFlightDeliveriesFinishThenTheRestFollowAfterRestart() throws Exception {
        yotpo.answerActions(aResponse().withStatus(200).withFixedDelay(1500));
        long stoppedInMillis;
        try (BridgeProcess first = BridgeProcess.start(db, yotpo.baseUrl(), logFile("first"), Map.of())) {
            BridgeClient client = first.client();
            client.putMerchant("acme", "{\"yotpo_api_key\":\"api-key-0123456789abcd\",\"yotpo_guid\":\"guid-0123456789abcdef\","
                    + "\"webhook_secret\":\"" + SECRET + "\",\"rate_limit_per_second\":1000}");
            for (int i = 0; i < 30; i++) {
                assertThat(client.postSigned("acme", SECRET, "{\"verification_id\":\"t-" + i
                        + "\",\"campaign\":\"students\",\"email\":\"t" + i + "@example.com\"}").statusCode()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> yotpo.received().size() >= 3);
            long began = System.nanoTime();
            first.terminate();
            stoppedInMillis = (System.nanoTime() - began) / 1_000_000;
        }
        assertThat(stoppedInMillis).as("graceful shutdown time").isLessThan(25_000);
        // nothing was left half-done: every call that went out was written back
        assertThat(statusesInDatabase()).doesNotContainKeys("SENDING", "UNKNOWN", "FAILED");
        assertThat(statusesInDatabase().getOrDefault("DELIVERED", 0)).isEqualTo(yotpo.received().size());

        try (BridgeProcess second = BridgeProcess.start(db, yotpo.baseUrl(), logFile("second"), Map.of())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> statusCounts(second).getOrDefault("DELIVERED", 0) == 30);
            second.terminate();
        }
        for (int i = 0; i < 30; i++) {
            assertThat(yotpo.receivedFor("t" + i + "@example.com")).as("awards for t-%d", i).isEqualTo(1);
        }
    }

    /** Process logs are kept under target/ for a look after a failure. */
    private Path logFile(String name) throws java.io.IOException {
        Path logs = java.nio.file.Files.createDirectories(Path.of("target", "process-logs"));
        return logs.resolve(getClass().getSimpleName() + "-" + System.nanoTime() + "-" + name + ".log");
    }

    /** The merchant's verifications by status, as the admin API reports them. */
    private static Map<String, Integer> statusCounts(BridgeProcess bridge) throws Exception {
        String view = bridge.client().admin("GET", "/admin/merchants/acme/stats").body();
        Map<String, Integer> counts = new HashMap<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(view).path("verifications")
                .fields().forEachRemaining(entry -> counts.put(entry.getKey(), entry.getValue().asInt()));
        return counts;
    }

    private Map<String, Integer> statusesInDatabase() throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        try (Connection c = DriverManager.getConnection(db, "bridge", "");
                ResultSet rows = c.createStatement().executeQuery("SELECT status, COUNT(*) FROM verification GROUP BY status")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getInt(2));
            }
        }
        return counts;
    }
}
