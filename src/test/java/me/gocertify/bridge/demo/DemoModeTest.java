package me.gocertify.bridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.RunningBridge;

/** The newcomer's path: the demo bridge takes the printed webhook and the sandbox receives the award. */
class DemoModeTest {

    @TempDir
    Path dataDir;

    YotpoSandbox sandbox;
    Main demo;
    Properties settings;

    @BeforeEach
    void start() throws Exception {
        sandbox = YotpoSandbox.start(0);
        settings = RunningBridge.settings(dataDir, "unused");
        settings.remove("yotpo.base-url");
        demo = Demo.create(settings, sandbox);
        demo.start();
    }

    @AfterEach
    void stop() {
        demo.stop();
        sandbox.close();
    }

    @Test
    void theDemoWebhookEndsAsAnAwardInTheSandbox() {
        String port = settings.getProperty("camel.server.port");
        var response = RunningBridge.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/merchants/" + Demo.MERCHANT + "/verifications"))
                .header("Authorization", "Bearer " + Demo.WEBHOOK_SECRET)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"verification_id\":\"demo-1\",\"campaign\":\"students\",\"email\":\"jane@example.com\"}")));

        assertThat(response.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sandbox.actions()).hasSize(1));
        assertThat(sandbox.actions().get(0).actionName()).isEqualTo("gocertify-students");
        assertThat(sandbox.actions().get(0).customerEmail()).isEqualTo("jane@example.com");
        await().untilAsserted(() -> assertThat(RunningBridge.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/admin/merchants/" + Demo.MERCHANT + "/verifications/demo-1"))
                .header("Authorization", "Bearer " + RunningBridge.ADMIN_TOKEN)).body()).contains("\"status\":\"DELIVERED\""));
    }

    @Test
    void theInstructionsNameTheMerchantThePortAndTheSandbox() {
        String text = Demo.instructions(demo.getCamelContext(), sandbox);

        assertThat(text).contains("http://localhost:" + settings.getProperty("camel.server.port") + "/api/v1/merchants/demo-shop/verifications")
                .contains("Bearer " + Demo.WEBHOOK_SECRET).contains(sandbox.baseUrl()).contains("/hawtio/");
    }

    @Test
    void theSandboxAnswersTheCustomerLookUpWithWhatItRecorded() {
        var unknown = RunningBridge.send(HttpRequest.newBuilder(
                URI.create(sandbox.baseUrl() + "/api/v2/customers?customer_email=nobody%40example.com&with_history=true")));

        assertThat(unknown.statusCode()).isEqualTo(404);
    }
}
