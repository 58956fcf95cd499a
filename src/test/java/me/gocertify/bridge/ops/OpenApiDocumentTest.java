package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import me.gocertify.bridge.support.RunningBridge;

/** The OpenAPI document the bridge serves describes the contract's webhook and admin API. */
class OpenApiDocumentTest {

    @TempDir
    static Path dataDir;

    static RunningBridge bridge;

    @BeforeAll
    static void start() {
        bridge = RunningBridge.start(dataDir, "http://127.0.0.1:9");
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    @Test
    void theServedDocumentIsOpenApi3WithEveryPathOfTheContract() {
        var served = bridge.get(bridge.url("/openapi.yaml"));

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
        Map<String, Object> document = parse(served.body());
        assertThat((String) document.get("openapi")).startsWith("3.");
        assertThat(paths(document)).containsOnlyKeys(
                "/api/v1/merchants/{merchantId}/verifications",
                "/admin/merchants/{merchantId}",
                "/admin/merchants/{merchantId}/verifications/{verificationId}",
                "/admin/dead-letters",
                "/admin/merchants/{merchantId}/replay",
                "/admin/merchants/{merchantId}/verifications/{verificationId}/replay");
        assertThat(section(paths(document), "/admin/merchants/{merchantId}")).containsOnlyKeys("put", "get");
    }

    @Test
    void theWebhookListsEveryAnswerOfTheContract() {
        Map<String, Object> post = section(section(paths(parse(new OpenApiDocument().yaml())),
                "/api/v1/merchants/{merchantId}/verifications"), "post");

        assertThat(section(post, "responses")).containsOnlyKeys("200", "202", "400", "401", "403", "405", "413", "415", "503");
        assertThat(section(section(section(post, "requestBody"), "content"), "application/json")).containsKey("schema");
    }

    @Test
    void everyReferenceResolves() {
        String yaml = new OpenApiDocument().yaml();
        Map<String, Object> components = section(parse(yaml), "components");

        yaml.lines().filter(line -> line.contains("$ref")).forEach(line -> {
            String ref = line.substring(line.indexOf("#/components/") + "#/components/".length(), line.lastIndexOf('"'));
            String[] parts = ref.split("/");
            assertThat(section(components, parts[0])).as(ref).containsKey(parts[1]);
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String yaml) {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    }

    private static Map<String, Object> paths(Map<String, Object> document) {
        return section(document, "paths");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> map, String key) {
        assertThat(map).containsKey(key);
        return (Map<String, Object>) map.get(key);
    }
}
