package me.gocertify.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import me.gocertify.bridge.delivery.Deliveries;
import me.gocertify.bridge.support.CapturedLog;
import me.gocertify.bridge.support.FullDisk;
import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;

/**
 * The embedded store's disk fills up, then has room again (H2 on {@link FullDisk}): webhooks are refused with
 * 503 and the bridge is not ready meanwhile, nothing accepted before is lost, and the bridge takes webhooks
 * again by itself once there is room, without a restart. Before session 32 H2 closed the database at the first
 * failed write and the pool kept handing out its dead connections: 503 to everything, and ready all along.
 */
class FullDiskTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String VERIFIED = "{\"verification_id\":\"%s\",\"campaign\":\"students\",\"email\":\"%s@example.com\"}";

    @TempDir
    Path dataDir;

    YotpoSimulator yotpo;
    RunningBridge bridge;

    @BeforeEach
    void start() {
        yotpo = new YotpoSimulator();
        Properties settings = RunningBridge.settings(dataDir, yotpo.baseUrl());
        settings.setProperty("bridge.db.url", FullDisk.url(dataDir.resolve("bridge")));
        bridge = RunningBridge.start(settings);
        bridge.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
    }

    @AfterEach
    void stop() {
        FullDisk.free();
        bridge.close();
        yotpo.stop();
    }

    @Test
    void aFullDiskRefusesWebhooksAndMakesTheBridgeUnreadyUntilThereIsRoomAgain() {
        assertThat(bridge.postSigned("acme", SECRET, VERIFIED.formatted("v-before", "jane")).statusCode()).isEqualTo(202);
        assertThat(ready().statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                bridge.admin("GET", "/admin/merchants/acme/verifications/v-before").body()).contains("\"status\":\"DELIVERED\""));

        FullDisk.fill();
        try (CapturedLog log = CapturedLog.all()) {
            HttpResponse<String> refused = bridge.postSigned("acme", SECRET, VERIFIED.formatted("v-during", "john"));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(refused.body()).isEqualTo("{\"error\":\"unavailable\"}");
            for (String id : List.of("v-during-2", "v-during-3")) {
                assertThat(bridge.postSigned("acme", SECRET, VERIFIED.formatted(id, "john")).statusCode()).isEqualTo(503);
            }
            // the webhook's threads: one line of WARN for the operator while it lasts, not a line per webhook, nor an
            // ERROR with its stack trace
            List<ILoggingEvent> webhooks = log.events().stream().filter(event -> event.getThreadName().startsWith("vert.x-")).toList();
            assertThat(webhooks).extracting(ILoggingEvent::getLevel).doesNotContain(Level.ERROR);
            assertThat(webhooks).filteredOn(event -> event.getFormattedMessage().startsWith("Answered 503")).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString()
                    .startsWith("Answered 503: the store did not commit a transaction");
            // each counted by the webhook's handler, which sees the failure now (under merchant "unknown" when the
            // registered merchants' list, which the label is checked against, cannot be read from the store either)
            Matcher unavailable = Pattern.compile(
                    "bridge_verifications_received_total\\{channel=\"webhook\",merchant=\"[a-z]+\",result=\"unavailable\"} (\\d+)\\.0")
                    .matcher(bridge.get(bridge.managementUrl("/observe/metrics")).body());
            assertThat(unavailable.results().mapToInt(found -> Integer.parseInt(found.group(1))).sum()).isEqualTo(3);

            HttpResponse<String> unready = ready();
            assertThat(unready.statusCode()).isEqualTo(503);
            assertThat(unready.body()).contains("\"name\":\"database\",\"status\":\"DOWN\"");
            assertThat(bridge.get(bridge.managementUrl("/observe/health/live")).statusCode()).isEqualTo(200);

            // the deliveries' passes fail meanwhile too, each of them: logged once a minute, not at each pass
            NotifyBuilder passes = new NotifyBuilder(bridge.camel()).fromRoute("deliver-due").whenDone(3).create();
            assertThat(passes.matches(10, TimeUnit.SECONDS)).isTrue();
            List<ILoggingEvent> claims = log.events().stream().filter(event -> event.getThreadName().endsWith("deliver-due")).toList();
            assertThat(claims).extracting(ILoggingEvent::getLevel).doesNotContain(Level.ERROR);
            assertThat(claims).filteredOn(event -> event.getLoggerName().equals(Deliveries.class.getName())).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString().startsWith("Deliveries wait for the store: ");
            // H2 closed the store at each failed write, and the pool dropped each connection to it: said once, not
            // a line with its stack trace from Hikari for every connection dropped
            assertThat(log.events()).filteredOn(event -> event.getLoggerName().startsWith("com.zaxxer.hikari")).isEmpty();
            assertThat(log.events()).filteredOn(event -> event.getLoggerName().equals(Database.class.getName())).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString().startsWith("H2 closed the store after a write");
        }

        FullDisk.free();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> ready = ready();
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        });
        assertThat(bridge.postSigned("acme", SECRET, VERIFIED.formatted("v-during", "john")).statusCode())
                .as("the sender's retry of the refused webhook").isEqualTo(202);
        assertThat(bridge.postSigned("acme", SECRET, VERIFIED.formatted("v-before", "jane")).statusCode())
                .as("accepted before the disk filled, still known").isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                bridge.admin("GET", "/admin/merchants/acme/verifications/v-during").body()).contains("\"status\":\"DELIVERED\""));
        assertThat(yotpo.receivedFor("jane@example.com")).as("awarded before the outage, and not again").isEqualTo(1);
        assertThat(yotpo.receivedFor("john@example.com")).as("awarded once, refused once before").isEqualTo(1);
    }

    private HttpResponse<String> ready() {
        return bridge.get(bridge.managementUrl("/observe/health/ready"));
    }
}
