package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;

/** Contract 7: Hawtio behind a login; its Jolokia, the only one the bridge runs, answers only with it. */
class HawtioConsoleTest {

    static final String USER = "operator";
    static final String PASSWORD = "hawtio-test-password-4b1d";
    static final String MERCHANT = "acme";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SEARCH_ROUTES = "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}";

    @TempDir
    static Path dataDir;

    static RunningBridge bridge;
    static YotpoSimulator yotpo;

    @BeforeAll
    static void start() {
        yotpo = new YotpoSimulator();
        Properties settings = withHawtio(dataDir, yotpo.baseUrl());
        // what README's "Hawtio" section tells an operator to set for the debug tab
        settings.setProperty("camel.debug.standby", "true");
        bridge = RunningBridge.start(settings);
        bridge.registerMerchant(MERCHANT, "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
    }

    static Properties withHawtio(Path dataDir, String yotpoBaseUrl) {
        Properties settings = RunningBridge.settings(dataDir, yotpoBaseUrl);
        settings.setProperty("bridge.hawtio.enabled", "true");
        settings.setProperty("bridge.hawtio.user", USER);
        settings.setProperty("bridge.hawtio.password", PASSWORD);
        return settings;
    }

    @AfterAll
    static void stop() {
        bridge.close();
        yotpo.stop();
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

    @Test
    void theTraceTabRecordsEachStepOfAWebhook() {
        String tracer = tracerMBean("BacklogTracer");
        jolokiaAsOperator("{\"type\":\"exec\",\"mbean\":\"" + tracer + "\",\"operation\":\"clear\"}");
        jolokiaAsOperator("{\"type\":\"write\",\"mbean\":\"" + tracer + "\",\"attribute\":\"Enabled\",\"value\":true}");
        try {
            assertThat(bridge.postSigned(MERCHANT, SECRET, verification("traced-1")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> yotpo.receivedFor("traced-1@example.com") == 1);

            String traced = jolokiaAsOperator("{\"type\":\"exec\",\"mbean\":\"" + tracer
                    + "\",\"operation\":\"dumpAllTracedMessagesAsJSon\"}");
            assertThat(traced).contains("intake-webhook").contains("record-once").contains("traced-1");
            assertThat(traced).doesNotContain("api-key-0123456789abcd").doesNotContain("guid-0123456789abcdef");
        } finally {
            jolokiaAsOperator("{\"type\":\"write\",\"mbean\":\"" + tracer + "\",\"attribute\":\"Enabled\",\"value\":false}");
        }
    }

    @Test
    void theDebugTabHoldsAWebhookAtABreakpointUntilResumed() throws Exception {
        String debugger = tracerMBean("BacklogDebugger");
        jolokiaAsOperator(exec(debugger, "enableDebugger"));
        try {
            jolokiaAsOperator(exec(debugger, "addBreakpoint", "record-once"));
            CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(
                    () -> bridge.postSigned(MERCHANT, SECRET, verification("debugged-1")));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    jolokiaAsOperator(exec(debugger, "suspendedBreakpointNodeIds"))).contains("record-once"));
            assertThat(jolokiaAsOperator(exec(debugger, "dumpTracedMessagesAsJSon", "record-once"))).contains("debugged-1");
            assertThat(answer).isNotDone();

            jolokiaAsOperator(exec(debugger, "resumeAll"));
            assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        } finally {
            jolokiaAsOperator(exec(debugger, "disableDebugger"));
        }
    }

    private static String verification(String id) {
        return "{\"verification_id\":\"" + id + "\",\"campaign\":\"students\",\"email\":\"" + id + "@example.com\"}";
    }

    /** Hawtio's Camel plugin finds the tracer and the debugger by these MBeans. */
    private static String tracerMBean(String name) {
        String found = jolokiaAsOperator("{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=tracer,name=" + name + ",*\"}");
        Matcher mbean = Pattern.compile("\"(org\\.apache\\.camel:[^\"]*name=" + name + "[^\"*]*)\"").matcher(found);
        assertThat(mbean.find()).as("the %s MBean in %s", name, found).isTrue();
        return mbean.group(1); // as Jolokia escaped it for JSON, so it goes into a request as it is
    }

    private static String exec(String mbean, String operation, String... arguments) {
        StringBuilder args = new StringBuilder();
        for (String argument : arguments) {
            args.append(args.length() == 0 ? "" : ",").append('"').append(argument).append('"');
        }
        return "{\"type\":\"exec\",\"mbean\":\"" + mbean + "\",\"operation\":\"" + operation + "\",\"arguments\":[" + args + "]}";
    }

    private static String jolokiaAsOperator(String request) {
        HttpResponse<String> response = RunningBridge.send(HttpRequest.newBuilder(URI.create(bridge.hawtioUrl("/hawtio/jolokia/")))
                .header("Content-Type", "application/json").header("Authorization", basic(USER, PASSWORD))
                .POST(HttpRequest.BodyPublishers.ofString(request)));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).as("Jolokia's answer to %s", request).contains("\"status\":200");
        return response.body();
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
