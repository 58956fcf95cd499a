package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;

/** Contract 7: nothing that can change the running bridge is reachable, on either port. */
class ManagementClosedTest {

    @TempDir
    static Path dataDir;

    static YotpoSimulator yotpo;
    static RunningBridge bridge;

    @BeforeAll
    static void start() {
        yotpo = new YotpoSimulator();
        bridge = RunningBridge.start(dataDir, yotpo.baseUrl());
    }

    @AfterAll
    static void stop() {
        bridge.close();
        yotpo.stop();
    }

    static final List<String> CLOSED = List.of("/observe/jolokia", "/observe/jolokia/read/java.lang:type=Runtime",
            "/observe/jolokia/exec/org.apache.camel:*/stop", "/jolokia", "/q/jolokia",
            "/observe/send", "/observe/send/direct:deliver", "/q/send", "/q/send/direct:deliver",
            "/observe/upload", "/observe/upload/x.camel.yaml", "/q/upload", "/q/upload/x.camel.yaml",
            "/observe/download", "/q/download", "/q/download/application.properties",
            "/observe/dev", "/observe/dev/route", "/q/dev", "/q/dev/route", "/dev");

    @Test
    void managementPortAnswersHealthOnly() {
        // the port is the right one: health answers there, at the contract's paths
        for (String health : List.of("/observe/health", "/observe/health/live", "/observe/health/ready")) {
            assertThat(get(bridge.managementUrl(health)).statusCode()).as(health).isEqualTo(200);
        }
        for (String path : CLOSED) {
            for (String method : List.of("GET", "POST", "PUT")) {
                HttpResponse<String> response = send(method, bridge.managementUrl(path));
                assertThat(response.statusCode()).as("%s %s on the management port", method, path).isEqualTo(404);
            }
        }
    }

    @Test
    void businessPortHasNoConsoleEither() {
        for (String path : CLOSED) {
            for (String method : List.of("GET", "POST", "PUT")) {
                HttpResponse<String> response = send(method, bridge.url(path));
                assertThat(response.statusCode()).as("%s %s on the business port", method, path).isEqualTo(404);
                assertThat(response.body()).isEqualTo("{\"error\":\"not_found\"}");
            }
        }
    }

    @Test
    void multipartBodyIsNeverWrittenToDisk() {
        HttpResponse<String> response = RunningBridge.send(HttpRequest.newBuilder(URI.create(bridge.url("/api/v1/merchants/acme/verifications")))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"evil.txt\"\r\n"
                        + "Content-Type: text/plain\r\n\r\nevil\r\n--b--\r\n")));
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(Files.exists(Path.of("file-uploads"))).isFalse();
    }

    static HttpResponse<String> get(String url) {
        return send("GET", url);
    }

    static HttpResponse<String> send(String method, String url) {
        return RunningBridge.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}")));
    }
}
