package me.gocertify.bridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

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
        // called as the webhook's route starts, on the thread starting the context: the management port listens by then
        main.bind("beforeTheWebhooksRoute", new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if ("intake-webhook".equals(((RouteStartingEvent) event).getRoute().getId())) {
                    answered.set(RunningBridge.send(HttpRequest.newBuilder(URI.create(health)).header("Content-Type", ";=\"").GET())
                            .statusCode());
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof RouteStartingEvent;
            }
        });
        main.start();
        try {
            assertThat(answered.get()).as("a Content-Type that does not parse, as the webhook's route starts").isEqualTo(415);
        } finally {
            main.stop();
        }
    }
}
