package me.gocertify.bridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.apache.camel.builder.AdviceWith;
import org.apache.camel.spi.BacklogDebugger;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;
import me.gocertify.bridge.support.BridgeClient;
import me.gocertify.bridge.support.RunningBridge;

/**
 * The webhook's route runs on the HTTP event loop (web.EventLoopHttpEngine), and nothing it waits for
 * holds that loop: not a read of the store, not a breakpoint an operator set in Hawtio's debugger.
 * Each test's probe is a request for an unknown path on the same port, which Vert.x answers on the
 * same event loop: it is answered only while that loop is free.
 */
class EventLoopWebhookTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String VERIFIED = "{\"verification_id\":\"%s\",\"campaign\":\"students\",\"email\":\"jane@example.com\"}";

    @TempDir
    Path dataDir;

    @Test
    void theWebhooksStepsRunOnTheHttpEventLoop() {
        try (RunningBridge bridge = RunningBridge.start(dataDir, "http://127.0.0.1:9")) {
            bridge.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
            Set<String> threads = ConcurrentHashMap.newKeySet();
            bridge.camel().getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    // the route's last step, after the insert's commit: where the route went on from there
                    if (event instanceof ExchangeSentEvent sent && sent.getEndpoint().getEndpointUri().equals("direct://answer-json")) {
                        threads.add(Thread.currentThread().getName());
                    }
                }
            });

            for (int i = 0; i < 5; i++) {
                assertThat(bridge.postSigned("acme", SECRET, VERIFIED.formatted("v-" + i)).statusCode()).isEqualTo(202);
            }
            assertThat(bridge.postSigned("acme", SECRET, VERIFIED.formatted("v-0")).statusCode()).isEqualTo(200);
            assertThat(bridge.postSigned("acme", "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==", VERIFIED.formatted("v-9"))
                    .statusCode()).isEqualTo(401);

            assertThat(threads).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith("vert.x-eventloop-thread-"));
        }
    }

    @Test
    void aWebhookWaitingForTheStoreLeavesTheEventLoopFree() throws Exception {
        try (RunningBridge bridge = RunningBridge.start(dataDir, "http://127.0.0.1:9")) {
            HikariDataSource pool = bridge.camel().getRegistry().lookupByNameAndType("dataSource", HikariDataSource.class);
            List<Connection> held = holdEveryConnection(pool);
            CompletableFuture<HttpResponse<String>> webhook;
            try {
                // a merchant the bridge has not read yet: admitting it needs the store, which has no connection to give
                webhook = sendAsync(post(bridge, "not-yet-read", VERIFIED.formatted("v-1")));
                HttpResponse<String> probe = probe(bridge);

                assertThat(probe.statusCode()).isEqualTo(404);
                assertThat(webhook).as("the webhook still waits for the store").isNotDone();
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
            assertThat(webhook.get().statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aBreakpointInTheWebhooksRouteHoldsThatWebhookNotThePort() throws Exception {
        Properties settings = RunningBridge.settings(dataDir, "http://127.0.0.1:9");
        settings.setProperty("camel.debug.standby", "true");
        try (RunningBridge bridge = RunningBridge.start(settings)) {
            bridge.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
            BacklogDebugger debugger = bridge.camel().hasService(BacklogDebugger.class);
            debugger.enableDebugger();
            debugger.addBreakpoint("record-once");
            try {
                CompletableFuture<HttpResponse<String>> webhook = sendAsync(post(bridge, "acme", VERIFIED.formatted("v-1")));
                await().atMost(Duration.ofSeconds(10)).until(() -> !debugger.getSuspendedBreakpointNodeIds().isEmpty());

                assertThat(probe(bridge).statusCode()).isEqualTo(404);
                assertThat(webhook).isNotDone();

                debugger.resumeAll();
                assertThat(webhook.get().statusCode()).isEqualTo(202);
            } finally {
                debugger.disableDebugger();
            }
        }
    }

    @Test
    void aWebhookWhoseSenderLeftBeforeTheAnswerIsRecordedAndTheNextOnesAnswered() throws Exception {
        try (RunningBridge bridge = RunningBridge.start(dataDir, "http://127.0.0.1:9")) {
            bridge.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
            String json = VERIFIED.formatted("v-left");
            StringBuilder request = new StringBuilder("POST /api/v1/merchants/acme/verifications HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            BridgeClient.signedHeaders(SECRET, json).forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("Content-Length: ").append(json.length()).append("\r\n\r\n").append(json);
            URI url = URI.create(bridge.url("/"));
            try (Socket sender = new Socket(url.getHost(), url.getPort())) {
                sender.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
                sender.getOutputStream().flush();
            } // closed before the answer could be read: the answer goes to a closed connection

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    bridge.admin("GET", "/admin/merchants/acme/verifications/v-left").statusCode()).isEqualTo(200));
            assertThat(bridge.postSigned("acme", SECRET, json).statusCode()).as("its retry is a duplicate").isEqualTo(200);
            assertThat(bridge.postSigned("acme", SECRET, VERIFIED.formatted("v-next")).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void aRouteThatFailsPastItsErrorHandlerIsAnswered503WithoutItsCause() throws Exception {
        try (RunningBridge bridge = RunningBridge.start(dataDir, "http://127.0.0.1:9")) {
            bridge.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
            // every answer, the error handler's too, is written by answer-json: failing there, nothing in the route answers
            AdviceWith.adviceWith(bridge.camel(), "answer-json",
                    route -> route.weaveAddFirst().throwException(new IllegalStateException("internal detail")));

            HttpResponse<String> answer = bridge.postSigned("acme", SECRET, VERIFIED.formatted("v-1"));

            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(answer.body()).isEqualTo("{\"error\":\"unavailable\"}");
        }
    }

    /** Every connection of the bridge's pool, taken as soon as the bridge's own threads give them back. */
    private static List<Connection> holdEveryConnection(DataSource pool) throws Exception {
        int size = ((HikariDataSource) pool).getMaximumPoolSize();
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            held.add(pool.getConnection());
        }
        return held;
    }

    private static HttpRequest post(RunningBridge bridge, String merchantId, String json) {
        Map<String, String> headers = BridgeClient.signedHeaders(SECRET, json);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bridge.url("/api/v1/merchants/" + merchantId + "/verifications")))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        return request.build();
    }

    /** A request for a path nobody serves, on the webhook's port: at most 5 s, so a held event loop fails the test. */
    private static HttpResponse<String> probe(RunningBridge bridge) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(bridge.url("/no-such-path")))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }
}
