package me.gocertify.bridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** deploy/k8s agrees with application.properties: ports, probes, shutdown time, variable names, secrets. */
class KubernetesManifestsTest {

    static final Path K8S = Path.of("deploy", "k8s");
    static final Pattern ENV = Pattern.compile("\\{\\{env:([A-Z0-9_]+):([^}]*)}}");

    static Properties settings;
    static Map<String, Object> deployment;
    static Map<String, Object> container;
    static Map<String, Object> pod;

    @BeforeAll
    static void read() throws IOException {
        settings = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"))) {
            settings.load(reader);
        }
        deployment = manifest("deployment.yaml");
        pod = map(map(map(deployment, "spec"), "template"), "spec");
        container = KubernetesManifestsTest.<Map<String, Object>>list(pod, "containers").get(0);
    }

    @Test
    void containerPortsAreTheBridgesDefaultPorts() {
        Map<String, Integer> ports = containerPorts();
        assertThat(ports).containsEntry("http", defaultOf("camel.server.port"))
                .containsEntry("management", defaultOf("camel.management.port"))
                .containsEntry("hawtio", defaultOf("bridge.hawtio.port"));
        Map<String, String> env = plainEnv();
        assertThat(env).containsEntry("BRIDGE_HTTP_PORT", String.valueOf(ports.get("http")))
                .containsEntry("BRIDGE_MANAGEMENT_PORT", String.valueOf(ports.get("management")))
                .containsEntry("BRIDGE_HAWTIO_PORT", String.valueOf(ports.get("hawtio")));
    }

    @Test
    void probesAskTheHealthEndpointsOnTheManagementPort() {
        assertThat(settings.getProperty("camel.management.path").trim()).isEqualTo("/");
        Map<String, Object> ready = map(map(container, "readinessProbe"), "httpGet");
        Map<String, Object> live = map(map(container, "livenessProbe"), "httpGet");
        assertThat(ready).containsEntry("path", "/observe/health/ready").containsEntry("port", "management");
        assertThat(live).containsEntry("path", "/observe/health/live").containsEntry("port", "management");
        assertThat(containerPorts()).containsKey("management");
    }

    @Test
    void graceOutlastsThePreStopPauseAndTheBridgesShutdownTimeout() {
        int shutdownTimeout = Integer.parseInt(settings.getProperty("camel.main.shutdownTimeout").trim());
        List<Object> preStop = list(map(map(map(container, "lifecycle"), "preStop"), "exec"), "command");
        assertThat(preStop.get(0)).isEqualTo("sleep");
        int pause = Integer.parseInt(preStop.get(1).toString());
        int grace = (Integer) pod.get("terminationGracePeriodSeconds");
        assertThat(grace).as("terminationGracePeriodSeconds").isGreaterThan(pause + shutdownTimeout);
    }

    @Test
    void everyVariableIsOneTheBridgeReadsAndSecretsComeFromTheSecret() throws IOException {
        Set<String> known = new HashSet<>();
        for (String value : settings.stringPropertyNames().stream().map(settings::getProperty).toList()) {
            Matcher m = ENV.matcher(value);
            while (m.find()) {
                known.add(m.group(1));
            }
        }
        List<Map<String, Object>> env = list(container, "env");
        Set<String> names = env.stream().map(e -> (String) e.get("name")).collect(Collectors.toSet());
        assertThat(known).as("names application.properties reads").containsAll(names);

        Map<String, Object> secret = manifest("secret.yaml");
        String secretName = (String) map(secret, "metadata").get("name");
        Set<String> secretKeys = map(secret, "stringData").keySet();
        Map<String, String> fromSecret = env.stream().filter(e -> e.containsKey("valueFrom"))
                .collect(Collectors.toMap(e -> (String) e.get("name"), e -> {
                    Map<String, Object> ref = map(map(e, "valueFrom"), "secretKeyRef");
                    assertThat(ref.get("name")).isEqualTo(secretName);
                    return (String) ref.get("key");
                }));
        assertThat(fromSecret).containsKeys("BRIDGE_MASTER_KEY", "BRIDGE_ADMIN_TOKEN", "BRIDGE_DB_PASSWORD", "HAWTIO_PASSWORD");
        assertThat(secretKeys).containsAll(fromSecret.values());
        assertThat(plainEnv()).doesNotContainKeys("BRIDGE_MASTER_KEY", "BRIDGE_ADMIN_TOKEN", "BRIDGE_DB_PASSWORD", "HAWTIO_PASSWORD");
        assertThat(plainEnv().get("BRIDGE_DB_URL")).as("several instances need PostgreSQL").startsWith("jdbc:postgresql://");
    }

    @Test
    void theServiceReachesNamedContainerPortsAndKustomizeAppliesEveryFile() throws IOException {
        Map<String, Object> service = manifest("service.yaml");
        Map<String, Object> selector = map(map(service, "spec"), "selector");
        assertThat(map(map(map(map(deployment, "spec"), "template"), "metadata"), "labels")).containsAllEntriesOf(selector);
        for (Map<String, Object> port : KubernetesManifestsTest.<Map<String, Object>>list(map(service, "spec"), "ports")) {
            assertThat(containerPorts()).containsKey((String) port.get("targetPort"));
        }
        List<Object> resources = list(manifest("kustomization.yaml"), "resources");
        try (var files = Files.list(K8S)) {
            assertThat(resources).containsExactlyInAnyOrderElementsOf(files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml")).toList());
        }
    }

    @Test
    void theImageExposesTheSamePorts() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        for (int port : containerPorts().values()) {
            assertThat(pom).contains("<port>" + port + "</port>");
        }
    }

    private Map<String, Integer> containerPorts() {
        return list(container, "ports").stream().collect(Collectors.toMap(
                p -> (String) ((Map<?, ?>) p).get("name"), p -> (Integer) ((Map<?, ?>) p).get("containerPort")));
    }

    private Map<String, String> plainEnv() {
        List<Map<String, Object>> env = list(container, "env");
        return env.stream().filter(e -> e.containsKey("value"))
                .collect(Collectors.toMap(e -> (String) e.get("name"), e -> String.valueOf(e.get("value"))));
    }

    private int defaultOf(String key) {
        Matcher m = ENV.matcher(settings.getProperty(key));
        assertThat(m.find()).as("%s takes an environment variable", key).isTrue();
        return Integer.parseInt(m.group(2));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> manifest(String file) throws IOException {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(K8S.resolve(file)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (List<T>) parent.get(key);
    }
}
