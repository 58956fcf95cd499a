package me.gocertify.bridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.camel.main.Main;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.RouteStartingEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.Application;
import me.gocertify.bridge.support.RunningBridge;

/**
 * The early checks of HttpErrorPages are in place before the first route starts: the servers listen before the
 * routes start, and until session 32 the checks came only once the context was fully started, after them.
 */
class EarlyChecksTest {

    @TempDir
    Path dataDir;

    @Test
    void aHeaderThatDoesNotParseIsRefusedBeforeTheWebhooksRouteStarts() throws Exception {
        Properties settings = RunningBridge.settings(dataDir, "http://127.0.0.1:9");
        String health = "http://127.0.0.1:" + settings.getProperty("camel.management.port") + "/observe/health";
        AtomicInteger answered = new AtomicInteger();
        Main main = Application.create(settings);
        // the management port listens by the time the webhook's route starts
        asEachRouteStarts(main, route -> {
            if (route.equals("intake-webhook")) {
                answered.set(RunningBridge.send(HttpRequest.newBuilder(URI.create(health)).header("Content-Type", ";=\"").GET())
                        .statusCode());
            }
        });
        main.start();
        try {
            assertThat(answered.get()).as("a Content-Type that does not parse, as the webhook's route starts").isEqualTo(415);
        } finally {
            main.stop();
        }
    }

    /**
     * A request that comes before its route has started is told to come back (503 with Retry-After), not 404 or 405: the
     * HTTP port listens before the routes start, one by one, and a sender may take a 404 as final. Under /admin 401
     * first without the token. Once started, an unknown path is 404 again.
     */
    @Test
    void aRequestBeforeItsRouteHasStartedIs503WithRetryAfter() throws Exception {
        Properties settings = RunningBridge.settings(dataDir, "http://127.0.0.1:9");
        String base = "http://127.0.0.1:" + settings.getProperty("camel.server.port");
        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        Main main = Application.create(settings);
        // by the time a route starts, the routes before it take requests
        asEachRouteStarts(main, route -> {
            if (route.equals("recorded")) { // the last to start before the webhook's
                answers.put("webhook", RunningBridge.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/merchants/acme/verifications"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer whsec_anything")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))));
                answers.put("admin, no token", RunningBridge.send(HttpRequest.newBuilder(URI.create(base + "/admin/merchants/acme")).GET()));
            }
            if (route.equals("admin-put-merchant")) { // the path's PUT takes requests, its GET not yet: 405 until session 35
                answers.put("admin GET", RunningBridge.send(HttpRequest.newBuilder(URI.create(base + "/admin/merchants/acme"))
                        .header("Authorization", "Bearer " + RunningBridge.ADMIN_TOKEN).GET()));
            }
        });
        main.start();
        try {
            assertThat(answers).containsOnlyKeys("webhook", "admin, no token", "admin GET");
            for (String early : List.of("webhook", "admin GET")) {
                HttpResponse<String> answer = answers.get(early);
                assertThat(answer.statusCode()).as(early).isEqualTo(503);
                assertThat(answer.headers().firstValue("Retry-After")).as(early).hasValue("5");
                assertThat(answer.body()).as(early).isEqualTo("{\"error\":\"unavailable\"}");
            }
            assertThat(answers.get("admin, no token").statusCode()).isEqualTo(401);
            HttpResponse<String> later = RunningBridge.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nothing-here")).GET());
            assertThat(later.statusCode()).isEqualTo(404);
            assertThat(later.body()).isEqualTo("{\"error\":\"not_found\"}");
        } finally {
            main.stop();
        }
    }

    /** Calls {@code action} with each route's id as it starts, on the thread starting the context, before the route takes requests. */
    private static void asEachRouteStarts(Main main, Consumer<String> action) {
        main.bind("asEachRouteStarts", new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                action.accept(((RouteStartingEvent) event).getRoute().getId());
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof RouteStartingEvent;
            }
        });
    }
}
