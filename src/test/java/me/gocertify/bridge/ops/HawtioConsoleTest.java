package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.RunningBridge;

/** Contract 7: Hawtio behind a login; its Jolokia, the only one the bridge runs, answers only with it. */
class HawtioConsoleTest {

    static final String USER = "operator";
    static final String PASSWORD = "hawtio-test-password-4b1d";
    static final String SEARCH_ROUTES = "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}";

    @TempDir
    static Path dataDir;

    static RunningBridge bridge;

    @BeforeAll
    static void start() {
        bridge = RunningBridge.start(withHawtio(dataDir));
    }

    static Properties withHawtio(Path dataDir) {
        Properties settings = RunningBridge.settings(dataDir, "http://127.0.0.1:9");
        settings.setProperty("bridge.hawtio.enabled", "true");
        settings.setProperty("bridge.hawtio.user", USER);
        settings.setProperty("bridge.hawtio.password", PASSWORD);
        return settings;
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    @Test
    void anonymousJolokiaIsRefused() {
        assertThat(jolokia(null).statusCode()).isIn(401, 403);
        assertThat(bridge.get(bridge.hawtioUrl("/hawtio/jolokia/read/java.lang:type=Runtime")).statusCode()).isIn(401, 403);
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThat(jolokia(basic(USER, PASSWORD + "x")).statusCode()).isIn(401, 403);
        assertThat(jolokia(basic("admin", PASSWORD)).statusCode()).isIn(401, 403);
    }

    @Test
    void withTheLoginJolokiaListsTheBridgesRoutes() {
        HttpResponse<String> found = jolokia(basic(USER, PASSWORD));

        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.body()).contains("\"status\":200")
                .contains("name=\\\"intake-webhook\\\"").contains("name=\\\"deliver\\\"")
                .contains("name=\\\"record-verification\\\"");
    }

    @Test
    void anonymousVisitorsAreSentToTheLoginPage() {
        HttpResponse<String> console = bridge.get(bridge.hawtioUrl("/hawtio/"));
        HttpResponse<String> login = bridge.get(bridge.hawtioUrl("/hawtio/login"));

        assertThat(console.statusCode()).isEqualTo(302);
        assertThat(console.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/hawtio/login"));
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).containsIgnoringCase("hawtio");
    }

    @Test
    void theManagementPortHasNoJolokia() {
        assertThat(bridge.get(bridge.managementUrl("/observe/jolokia/version")).statusCode()).isEqualTo(404);
        assertThat(bridge.get(bridge.managementUrl("/q/jolokia/version")).statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> jolokia(String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bridge.hawtioUrl("/hawtio/jolokia/")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SEARCH_ROUTES));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return RunningBridge.send(request);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
