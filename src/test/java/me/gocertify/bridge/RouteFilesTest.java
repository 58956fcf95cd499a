package me.gocertify.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import me.gocertify.bridge.support.RunningBridge;

/** Every file under routes/ loads and every route it declares runs; a YAML mistake stops the start; dev mode reloads edits. */
class RouteFilesTest {

    static final Path ROUTES = Path.of("routes");

    @TempDir
    Path dataDir;

    @TempDir
    Path routesCopy;

    @Test
    void everyRouteOfEveryFileIsStarted() throws IOException {
        List<String> declared = declaredRouteIds(ROUTES);
        assertThat(declared).contains("intake-webhook", "deliver", "record-verification", "admin-put-merchant");

        try (RunningBridge bridge = RunningBridge.start(dataDir, "http://127.0.0.1:9")) {
            for (String id : declared) {
                assertThat(bridge.camel().getRouteController().getRouteStatus(id))
                        .as("route %s", id).isEqualTo(ServiceStatus.Started);
            }
        }
    }

    @Test
    void thePackedRouteFilesAreNamedOneByOneAndAreEveryFileOfRoutes() throws IOException {
        List<String> files = new ArrayList<>();
        try (DirectoryStream<Path> yaml = Files.newDirectoryStream(ROUTES, "*.camel.yaml")) {
            yaml.forEach(file -> files.add("routes/" + file.getFileName()));
        }
        files.sort(null);
        // outside the project root the routes come from the classpath, named one by one (no scan of the jar)
        assertThat(Application.packedRouteFiles()).isEqualTo(files);
    }

    @Test
    void aYamlMistakeStopsTheStartAndNamesTheFile() throws IOException {
        copyRoutes();
        // "stepz" is no key of a route's from: the kind of typo an engineer makes
        Files.writeString(routesCopy.resolve("typo.camel.yaml"), """
                - route:
                    id: typo
                    from:
                      uri: direct:typo
                      stepz:
                        - log:
                            message: hello
                """);

        assertThatThrownBy(() -> RunningBridge.start(settingsWithRoutes(false)).close())
                .satisfies(e -> assertThat(causes(e)).contains("typo.camel.yaml"));
    }

    @Test
    void aBrokenIndentationStopsTheStart() throws IOException {
        copyRoutes();
        Files.writeString(routesCopy.resolve("indent.camel.yaml"), """
                - route:
                    id: indent
                    from:
                      uri: direct:indent
                     steps:
                        - log: hello
                """);

        assertThatThrownBy(() -> RunningBridge.start(settingsWithRoutes(false)).close())
                .satisfies(e -> assertThat(causes(e)).contains("indent.camel.yaml"));
    }

    @Test
    void devModeReloadsAnEditedRouteFile() throws IOException {
        copyRoutes();
        try (RunningBridge bridge = RunningBridge.start(settingsWithRoutes(true))) {
            assertThat(bridge.admin("GET", "/admin/merchants/nobody").headers().firstValue("X-Bridge-Example")).isEmpty();

            Path answer = routesCopy.resolve("answer-json.camel.yaml");
            String before = Files.readString(answer);
            String contentType = "            constant: application/json\n";
            String edited = before.replace(contentType, contentType
                    + "        - setHeader:\n            name: X-Bridge-Example\n            constant: reloaded\n");
            assertThat(edited).isNotEqualTo(before);
            Files.writeString(answer, edited);

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                    bridge.admin("GET", "/admin/merchants/nobody").headers().firstValue("X-Bridge-Example")).hasValue("reloaded"));
            assertThat(bridge.admin("GET", "/admin/merchants/nobody").statusCode()).isEqualTo(404);
        }
    }

    private Properties settingsWithRoutes(boolean dev) {
        Properties settings = RunningBridge.settings(dataDir, "http://127.0.0.1:9");
        settings.setProperty("camel.main.routesIncludePattern", "file:" + routesCopy.toAbsolutePath() + "/*.camel.yaml");
        if (dev) {
            Application.devMode().forEach(settings::put);
            settings.setProperty("camel.main.routesReloadDirectory", routesCopy.toAbsolutePath().toString());
        }
        return settings;
    }

    private void copyRoutes() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(ROUTES, "*.camel.yaml")) {
            for (Path file : files) {
                Files.copy(file, routesCopy.resolve(file.getFileName()));
            }
        }
    }

    /** The ids of the routes the files declare (a REST operation runs as the route it sends to). */
    @SuppressWarnings("unchecked")
    static List<String> declaredRouteIds(Path dir) throws IOException {
        List<String> ids = new ArrayList<>();
        Load yaml = new Load(LoadSettings.builder().build());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.camel.yaml")) {
            for (Path file : files) {
                for (Object item : (List<Object>) yaml.loadFromString(Files.readString(file))) {
                    Map<String, Object> entry = (Map<String, Object>) item;
                    if (entry.get("route") instanceof Map<?, ?> route) {
                        assertThat(route.get("id")).as("every route in %s has an id", file).isNotNull();
                        ids.add((String) route.get("id"));
                    }
                }
            }
        }
        return ids;
    }

    private static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
