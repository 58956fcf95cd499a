package me.gocertify.bridge.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariDataSource;
import me.gocertify.bridge.support.RunningBridge;

/** Contract 7: /observe/health follows the store, not the Yotpo breaker; /observe/metrics has the bridge_* figures. */
class HealthAndMetricsTest {

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
        yotpo.stubFor(post("/api/v2/actions").withRequestBody(containing("later@example.com"))
                .willReturn(aResponse().withStatus(503)));
        Properties settings = RunningBridge.settings(dataDir, yotpo.baseUrl());
        settings.setProperty("bridge.metrics.refresh-seconds", "0");
        // a slow WireMock on a busy machine must not turn the delivered award into an unknown one
        settings.setProperty("yotpo.response-timeout-ms", "10000");
        bridge = RunningBridge.start(settings);
        bridge.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
    }

    @AfterEach
    void stop() {
        bridge.close();
        yotpo.stop();
    }

    @Test
    void healthIsUpWithTheDatabaseAndTheCircuitStateAsADetail() {
        var health = bridge.get(bridge.managementUrl("/observe/health"));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"name\":\"database\"")
                .contains("\"name\":\"yotpo-circuit\"").contains("\"message\":\"Yotpo circuit breaker CLOSED\"");
        assertThat(bridge.get(bridge.managementUrl("/observe/health/ready")).statusCode()).isEqualTo(200);
        assertThat(bridge.get(bridge.managementUrl("/observe/health/live")).statusCode()).isEqualTo(200);
    }

    @Test
    void anOpenCircuitShowsButLeavesTheBridgeReady() {
        bridge.camel().getRegistry().lookupByNameAndType("yotpoBreaker", CircuitBreaker.class).transitionToOpenState();

        var ready = bridge.get(bridge.managementUrl("/observe/health/ready"));

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("Yotpo circuit breaker OPEN");
        assertThat(bridge.get(bridge.managementUrl("/observe/metrics")).body())
                .contains("bridge_yotpo_circuit_state{state=\"OPEN\"} 1.0")
                .contains("bridge_yotpo_circuit_state{state=\"CLOSED\"} 0.0");
    }

    @Test
    void notReadyWithoutTheDatabaseButStillLive() {
        bridge.camel().getRegistry().lookupByNameAndType("dataSource", HikariDataSource.class).close();

        var ready = bridge.get(bridge.managementUrl("/observe/health/ready"));

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"status\":\"DOWN\"").contains("the database is unreachable")
                .doesNotContain("jdbc:");
        assertThat(bridge.get(bridge.managementUrl("/observe/health/live")).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsCountWebhooksByMerchantAndResultAndAwardsByOutcome() {
        String verified = "{\"verification_id\":\"%s\",\"campaign\":\"students\",\"email\":\"%s\"}";
        assertThat(bridge.postSigned("acme", SECRET, verified.formatted("v-1", "jane@example.com")).statusCode()).isEqualTo(202);
        assertThat(bridge.postSigned("acme", SECRET, verified.formatted("v-1", "jane@example.com")).statusCode()).isEqualTo(200);
        assertThat(bridge.postSigned("acme", SECRET, verified.formatted("v-2", "later@example.com")).statusCode()).isEqualTo(202);
        assertThat(bridge.postSigned("acme", "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==",
                verified.formatted("v-3", "jane@example.com")).statusCode()).isEqualTo(401);
        assertThat(bridge.postSigned("made-up-" + System.nanoTime(), SECRET,
                verified.formatted("v-4", "jane@example.com")).statusCode()).isEqualTo(401);
        byte[] bad = "{not json".getBytes(StandardCharsets.UTF_8);
        assertThat(bridge.postWebhook("acme", bad, Map.of("Content-Type", "text/plain")).statusCode()).isEqualTo(415);
        // answered by Vert.x's body limit before any route runs
        byte[] tooLarge = new byte[70 * 1024];
        Arrays.fill(tooLarge, (byte) ' ');
        assertThat(bridge.postWebhook("acme", tooLarge, Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(413);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("bridge_awards_total{outcome=\"delivered\"} 1.0"));
        // an answer is timed once it is written, which may be just after its client has read it
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .as("every answer to the webhook's path is timed by its status")
                .contains("bridge_webhook_seconds_count{status=\"202\"} 2\n")
                .contains("bridge_webhook_seconds_count{status=\"200\"} 1\n")
                .contains("bridge_webhook_seconds_count{status=\"401\"} 2\n")
                .contains("bridge_webhook_seconds_count{status=\"415\"} 1\n")
                .contains("bridge_webhook_seconds_count{status=\"413\"} 1\n"));
        String metrics = metrics();
        assertThat(metrics)
                .contains("bridge_verifications_received_total{channel=\"webhook\",merchant=\"acme\",result=\"accepted\"} 2.0")
                .contains("bridge_verifications_received_total{channel=\"webhook\",merchant=\"acme\",result=\"duplicate\"} 1.0")
                .contains("bridge_verifications_received_total{channel=\"webhook\",merchant=\"acme\",result=\"refused\"} 2.0")
                .contains("bridge_verifications_received_total{channel=\"webhook\",merchant=\"unknown\",result=\"refused\"} 1.0")
                .contains("bridge_verifications_pending 1.0")
                .contains("bridge_file_drop_records_read_total 0.0")
                .doesNotContain("made-up-")
                .doesNotContain("api-key-0123456789abcd").doesNotContain("guid-0123456789abcdef")
                .as("the webhook's route is timed there, not by Camel's route policy")
                .doesNotContain("routeId=\"intake-webhook\"")
                .as("the routes run only inside others are timed by their callers' routes")
                .doesNotContain("routeId=\"recorded\"").doesNotContain("routeId=\"record-verification\"")
                .doesNotContain("routeId=\"answer-json\"");
        assertThat(gauge(metrics, "bridge_verifications_oldest_pending_age_seconds")).isGreaterThan(0);
        // the embedded store committed at least the two new verifications and the award's outcome
        assertThat(gauge(metrics, "bridge_store_commit_writes_total")).isGreaterThanOrEqualTo(3);
        assertThat(gauge(metrics, "bridge_store_commits_total")).isPositive()
                .isLessThanOrEqualTo(gauge(metrics, "bridge_store_commit_writes_total"));
        // and the writer's time in them and between them: an idle writer takes a compaction step every 100 ms poll
        assertThat(gauge(metrics, "bridge_store_committing_seconds_total")).isPositive();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(gauge(metrics(), "bridge_store_compacting_seconds_total")).isPositive());
    }

    @Test
    void theCollectorsPausesAreReadFromTheirMXBeansWhenScraped() {
        System.gc(); // a collection of the whole heap, with any of the JDK's stop-the-world collectors
        Map<String, Long> counted = new LinkedHashMap<>();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            counted.put(collector.getName(), collector.getCollectionCount());
        }
        String metrics = metrics();
        List<String> pauses = metrics.lines().filter(line -> line.startsWith("jvm_gc_pause_seconds_count{")).toList();
        assertThat(pauses).as("one count a collector").hasSize(counted.size());
        counted.forEach((name, count) -> assertThat(pauses).as(name + " counted at least as often as before the scrape")
                .anySatisfy(line -> assertThat(line).contains(",gc=\"" + name + "\"}")
                        .satisfies(sample -> assertThat(sampleValue(sample)).isGreaterThanOrEqualTo(count))));
        assertThat(pauses.stream().filter(line -> line.contains("action=\"end of major GC\""))
                .mapToDouble(HealthAndMetricsTest::sampleValue).sum()).as("System.gc()'s full collection").isGreaterThanOrEqualTo(1);
        assertThat(metrics).as("the pauses' total time is there too").contains("jvm_gc_pause_seconds_sum{action=")
                .as("no metric that needs the JDK's notification after every collection")
                .doesNotContain("jvm_gc_memory_allocated_bytes");
    }

    private String metrics() {
        var response = bridge.get(bridge.managementUrl("/observe/metrics"));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** A Prometheus sample's value: "name{labels} value". */
    private static double sampleValue(String sample) {
        return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1).trim());
    }

    private static double gauge(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(HealthAndMetricsTest::sampleValue)
                .orElseThrow(() -> new AssertionError(name + " missing from\n" + metrics));
    }
}
