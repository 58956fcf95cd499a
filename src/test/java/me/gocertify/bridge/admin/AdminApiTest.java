package me.gocertify.bridge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.support.YotpoSimulator;

/** Contract section 4: the admin token on every route, masked views, 404s and 400s; webhook secret rotation. */
class AdminApiTest {

    static final String API_KEY = "api-key-0123456789abcd";
    static final String GUID = "guid-0123456789abcdef";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String NEW_SECRET = "whsec_bmV3LXNlY3JldC1hZnRlci1yb3RhdGlvbg==";
    static final String UNAUTHORIZED = "{\"error\":\"unauthorized\"}";

    @TempDir
    static Path dataDir;

    static YotpoSimulator yotpo;
    static RunningBridge bridge;

    @BeforeAll
    static void start() {
        yotpo = new YotpoSimulator();
        bridge = RunningBridge.start(dataDir, yotpo.baseUrl());
        bridge.registerMerchant("acme", API_KEY, GUID, SECRET, "signature");
        assertThat(bridge.postSigned("acme", SECRET,
                "{\"verification_id\":\"known-1\",\"campaign\":\"students\",\"email\":\"jane@example.com\"}").statusCode()).isEqualTo(202);
    }

    @AfterAll
    static void stop() {
        bridge.close();
        yotpo.stop();
    }

    static final String MERCHANT_BODY = "{\"yotpo_api_key\":\"stolen-key-00000000000\",\"yotpo_guid\":\"stolen-guid-000000000\","
            + "\"webhook_secret\":\"" + NEW_SECRET + "\"}";

    /** Every route of contract 4, with a request an authorised caller could make. */
    static Stream<Arguments> routes() {
        List<Arguments> all = new ArrayList<>();
        String[][] routes = {
                {"PUT", "/admin/merchants/acme"},
                {"PUT", "/admin/merchants/intruder"},
                {"GET", "/admin/merchants/acme"},
                {"GET", "/admin/merchants/acme/verifications/known-1"},
                {"GET", "/admin/dead-letters"},
                {"GET", "/admin/dead-letters?merchant_id=acme"},
                {"POST", "/admin/merchants/acme/replay"},
                {"POST", "/admin/merchants/acme/verifications/known-1/replay"}};
        List<String> wrongAuthorizations = new ArrayList<>();
        wrongAuthorizations.add(null);
        wrongAuthorizations.addAll(List.of("", "Bearer", "Bearer ", "Bearer wrong-token", "Bearer " + RunningBridge.ADMIN_TOKEN + "x",
                "Bearer " + RunningBridge.ADMIN_TOKEN.substring(0, RunningBridge.ADMIN_TOKEN.length() - 1),
                "Basic " + RunningBridge.ADMIN_TOKEN, RunningBridge.ADMIN_TOKEN, "Bearer " + SECRET));
        for (String[] route : routes) {
            for (String authorization : wrongAuthorizations) {
                all.add(Arguments.of(route[0], route[1], authorization));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} with Authorization {2}")
    @MethodSource("routes")
    void everyRouteRefusesAMissingOrWrongToken(String method, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bridge.url(path)))
                .header("Content-Type", "application/json")
                .method(method, method.equals("PUT") ? HttpRequest.BodyPublishers.ofString(MERCHANT_BODY) : HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = RunningBridge.send(request);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo(UNAUTHORIZED);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    /**
     * Without the token nothing under /admin tells what is there: a wrong method, an unknown path, a body
     * Vert.x refuses are 401 as well; with it, the 404 or 405 they are.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"DELETE, /admin/merchants/acme, 405", "PATCH, /admin/merchants/acme, 405", "GET, /admin/merchants/acme/replay, 405",
            "GET, /admin/nothing, 404", "GET, /admin, 404", "POST, /admin/dead-letters, 405"})
    void withoutTheTokenAWrongMethodOrPathIs401Too(String method, String path, int withToken) {
        HttpResponse<String> refused = RunningBridge.send(HttpRequest.newBuilder(URI.create(bridge.url(path)))
                .method(method, HttpRequest.BodyPublishers.noBody()));
        assertAnswer(refused, 401, UNAUTHORIZED);
        HttpResponse<String> answered = bridge.admin(method, path);
        assertThat(answered.statusCode()).isEqualTo(withToken);
        assertThat(answered.body()).isEqualTo(withToken == 405 ? "{\"error\":\"method_not_allowed\"}" : "{\"error\":\"not_found\"}");
    }

    @Test
    void withoutTheTokenABodyTooLargeOrNotJsonIs401Too() {
        HttpResponse<String> form = RunningBridge.send(HttpRequest.newBuilder(URI.create(bridge.url("/admin/merchants/acme-form")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("yotpo_api_key=" + API_KEY)));
        assertAnswer(form, 401, UNAUTHORIZED);
        HttpResponse<String> tooLarge = RunningBridge.send(HttpRequest.newBuilder(URI.create(bridge.url("/admin/merchants/acme-big")))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"yotpo_api_key\":\"" + "k".repeat(70_000) + "\"}")));
        assertAnswer(tooLarge, 401, UNAUTHORIZED);
        assertThat(bridge.admin("GET", "/admin/merchants/acme-big").statusCode()).isEqualTo(404);
    }

    @Test
    void refusedCallsChangedNothing() {
        assertThat(bridge.admin("GET", "/admin/merchants/intruder").statusCode()).isEqualTo(404);
        assertThat(bridge.admin("GET", "/admin/merchants/acme").body()).contains("\"yotpo_api_key\":\"****abcd\"");
    }

    @Test
    void merchantViewsMaskEverySecretToItsLastFourCharacters() {
        HttpResponse<String> put = bridge.putMerchant("masked", "{\"yotpo_api_key\":\"" + API_KEY + "\",\"yotpo_guid\":\"" + GUID
                + "\",\"webhook_secret\":\"" + SECRET + "\",\"webhook_auth\":\"signature\",\"enabled\":true,"
                + "\"action_overrides\":{\"students\":\"gocertify-students-uk\"},\"rate_limit_per_second\":7}");
        String expected = "{\"merchant_id\":\"masked\",\"yotpo_api_key\":\"****abcd\",\"yotpo_guid\":\"****cdef\","
                + "\"webhook_secret\":\"****LaSw\",\"webhook_auth\":\"signature\",\"enabled\":true,"
                + "\"action_overrides\":{\"students\":\"gocertify-students-uk\"},\"rate_limit_per_second\":7}";
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).isEqualTo(expected);
        HttpResponse<String> get = bridge.admin("GET", "/admin/merchants/masked");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(expected);
        for (String secret : List.of(API_KEY, GUID, SECRET, SECRET.substring(6))) {
            assertThat(put.body()).doesNotContain(secret);
            assertThat(get.body()).doesNotContain(secret);
        }
    }

    @Test
    void unknownThingsAre404() {
        assertAnswer(bridge.admin("GET", "/admin/merchants/nobody"), 404, "{\"error\":\"not_found\",\"detail\":\"no such merchant\"}");
        assertAnswer(bridge.admin("GET", "/admin/merchants/acme/verifications/nothing"), 404,
                "{\"error\":\"not_found\",\"detail\":\"no such verification\"}");
        assertAnswer(bridge.admin("GET", "/admin/merchants/nobody/verifications/known-1"), 404,
                "{\"error\":\"not_found\",\"detail\":\"no such verification\"}");
        assertAnswer(bridge.admin("POST", "/admin/merchants/nobody/replay"), 404, "{\"error\":\"not_found\",\"detail\":\"no such merchant\"}");
        assertAnswer(bridge.admin("POST", "/admin/merchants/acme/verifications/nothing/replay"), 404,
                "{\"error\":\"not_found\",\"detail\":\"no such verification\"}");
        assertAnswer(bridge.admin("GET", "/admin/nothing"), 404, "{\"error\":\"not_found\"}");
    }

    static Stream<Arguments> badMerchantBodies() {
        String key = "\"yotpo_api_key\":\"" + API_KEY + "\"";
        String guid = "\"yotpo_guid\":\"" + GUID + "\"";
        String secret = "\"webhook_secret\":\"" + SECRET + "\"";
        String base = key + "," + guid + "," + secret;
        return Stream.of(
                Arguments.of("{" + guid + "," + secret + "}", "yotpo_api_key", "yotpo_api_key is required"),
                Arguments.of("{" + key + "," + secret + "}", "yotpo_guid", "yotpo_guid is required"),
                Arguments.of("{" + key + "," + guid + "}", "webhook_secret", "webhook_secret is required"),
                Arguments.of("{\"yotpo_api_key\":12," + guid + "," + secret + "}", "yotpo_api_key", "yotpo_api_key must be a string"),
                Arguments.of("{\"yotpo_api_key\":\"has space\"," + guid + "," + secret + "}", "yotpo_api_key",
                        "yotpo_api_key must be 1 to 256 printable characters without spaces"),
                Arguments.of("{" + key + "," + guid + ",\"webhook_secret\":\"not-a-whsec-secret\"}", "webhook_secret",
                        "webhook_secret must be whsec_ followed by the base64 of at least 16 bytes"),
                Arguments.of("{" + key + "," + guid + ",\"webhook_secret\":\"whsec_c2hvcnQ=\"}", "webhook_secret",
                        "webhook_secret must be whsec_ followed by the base64 of at least 16 bytes"),
                Arguments.of("{" + key + "," + guid + ",\"webhook_secret\":\"short\",\"webhook_auth\":\"bearer\"}", "webhook_secret",
                        "a bearer webhook_secret must be at least 16 printable characters without spaces"),
                Arguments.of("{" + base + ",\"webhook_auth\":\"hmac\"}", "webhook_auth", "webhook_auth must be signature or bearer"),
                Arguments.of("{" + base + ",\"enabled\":\"yes\"}", "enabled", "enabled must be true or false"),
                Arguments.of("{" + base + ",\"rate_limit_per_second\":0}", "rate_limit_per_second",
                        "rate_limit_per_second must be a whole number from 1 to 1000"),
                Arguments.of("{" + base + ",\"rate_limit_per_second\":\"5\"}", "rate_limit_per_second",
                        "rate_limit_per_second must be a whole number from 1 to 1000"),
                Arguments.of("{" + base + ",\"rate_limit_per_second\":2.5}", "rate_limit_per_second",
                        "rate_limit_per_second must be a whole number from 1 to 1000"),
                Arguments.of("{" + base + ",\"action_overrides\":[\"students\"]}", "action_overrides",
                        "action_overrides must be an object of at most 100 campaign names to action names"),
                Arguments.of("{" + base + ",\"action_overrides\":{\"Students\":\"x\"}}", "action_overrides",
                        "each action override maps a campaign name to an action name of 1 to 255 printable characters"),
                Arguments.of("{" + base + ",\"previous_webhook_secret\":\"plain-old-secret\"}", "previous_webhook_secret",
                        "previous_webhook_secret must be whsec_ followed by the base64 of at least 16 bytes"),
                Arguments.of("{" + base + ",\"previous_webhook_secret\":7}", "previous_webhook_secret",
                        "previous_webhook_secret must be a string"),
                Arguments.of("{" + base, null, "the body is not valid JSON"),
                Arguments.of("[" + "{" + base + "}]", null, "the body must be a JSON object"),
                Arguments.of("", null, "the body is empty"));
    }

    @ParameterizedTest
    @MethodSource("badMerchantBodies")
    void badMerchantBodyIs400NamingTheFieldAndChangesNothing(String body, String field, String detail) {
        HttpResponse<String> response = bridge.putMerchant("acme-bad", body);
        assertAnswer(response, 400, "{\"error\":\"invalid_request\",\"detail\":\"" + detail + "\",\"field\":"
                + (field == null ? "null" : "\"" + field + "\"") + "}");
        assertThat(response.body()).doesNotContain(API_KEY).doesNotContain(SECRET);
        assertThat(bridge.admin("GET", "/admin/merchants/acme-bad").statusCode()).isEqualTo(404);
    }

    @Test
    void badMerchantIdOrContentTypeIsRefused() {
        assertAnswer(bridge.putMerchant("-bad", "{}"), 400, "{\"error\":\"invalid_request\",\"detail\":"
                + "\"merchant id must be 1 to 64 of A-Z a-z 0-9 . _ - starting with a letter or digit\",\"field\":\"merchant_id\"}");
        HttpResponse<String> form = RunningBridge.send(HttpRequest.newBuilder(URI.create(bridge.url("/admin/merchants/acme-form")))
                .header("Authorization", "Bearer " + RunningBridge.ADMIN_TOKEN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("yotpo_api_key=" + API_KEY)));
        assertAnswer(form, 415, "{\"error\":\"unsupported_media_type\",\"detail\":\"Content-Type must be application/json (UTF-8)\"}");
    }

    @Test
    void webhookSecretRotatesWithoutDowntime() {
        bridge.registerMerchant("rotating", API_KEY, GUID, SECRET, "signature");
        assertThat(signedWith(SECRET, "rot-1")).isEqualTo(202);
        assertThat(signedWith(NEW_SECRET, "rot-2")).isEqualTo(401);

        // step 1: the new secret is current, the old one still verifies
        HttpResponse<String> both = bridge.putMerchant("rotating", "{\"yotpo_api_key\":\"" + API_KEY + "\",\"yotpo_guid\":\"" + GUID
                + "\",\"webhook_secret\":\"" + NEW_SECRET + "\",\"previous_webhook_secret\":\"" + SECRET + "\"}");
        assertThat(both.statusCode()).isEqualTo(200);
        assertThat(both.body()).contains("\"webhook_secret\":\"****bg==\"", "\"previous_webhook_secret\":\"****LaSw\"")
                .doesNotContain(SECRET.substring(6)).doesNotContain(NEW_SECRET.substring(6));
        assertThat(signedWith(SECRET, "rot-3")).isEqualTo(202);
        assertThat(signedWith(NEW_SECRET, "rot-4")).isEqualTo(202);

        // step 2: once the sender uses the new one, the old one is dropped
        HttpResponse<String> only = bridge.putMerchant("rotating", "{\"yotpo_api_key\":\"" + API_KEY + "\",\"yotpo_guid\":\"" + GUID
                + "\",\"webhook_secret\":\"" + NEW_SECRET + "\"}");
        assertThat(only.body()).doesNotContain("previous_webhook_secret");
        assertThat(signedWith(SECRET, "rot-5")).isEqualTo(401);
        assertThat(signedWith(NEW_SECRET, "rot-6")).isEqualTo(202);
    }

    @Test
    void bearerSecretRotatesWithoutDowntime() {
        String old = "bearer-old-secret-0123456";
        String current = "bearer-new-secret-6543210";
        bridge.putMerchant("rotating-bearer", "{\"yotpo_api_key\":\"" + API_KEY + "\",\"yotpo_guid\":\"" + GUID
                + "\",\"webhook_secret\":\"" + current + "\",\"previous_webhook_secret\":\"" + old + "\",\"webhook_auth\":\"bearer\"}");
        assertThat(bearerWith(old, "rb-1")).isEqualTo(202);
        assertThat(bearerWith(current, "rb-2")).isEqualTo(202);
        assertThat(bearerWith("bearer-other-secret-000000", "rb-3")).isEqualTo(401);
    }

    static int signedWith(String secret, String verificationId) {
        return bridge.postSigned("rotating", secret,
                "{\"verification_id\":\"" + verificationId + "\",\"campaign\":\"students\",\"email\":\"jane@example.com\"}").statusCode();
    }

    static int bearerWith(String token, String verificationId) {
        return bridge.postWebhook("rotating-bearer", ("{\"verification_id\":\"" + verificationId
                        + "\",\"campaign\":\"students\",\"email\":\"jane@example.com\"}").getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token)).statusCode();
    }

    static void assertAnswer(HttpResponse<String> response, int status, String json) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).isEqualTo(json);
    }
}
