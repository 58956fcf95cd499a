package me.gocertify.bridge.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.sql.DataSource;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import com.github.tomakehurst.wiremock.WireMockServer;
import me.gocertify.bridge.support.RunningBridge;

/**
 * Hostile bodies and headers, generated, against the real webhook endpoint of one running bridge:
 * every answer is a 2xx or a 4xx (never a 5xx, never a dropped connection), and only what was
 * answered 202 is recorded.
 */
class HostileWebhookFuzzTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String BEARER = "bearer-secret-4f7a1c9e2b6d";
    static final String ID = "@@ID@@";
    static final AtomicInteger COUNTER = new AtomicInteger();
    /** "merchant/verification_id" of each 202: the ledger's key, so two merchants may each record one id. */
    static final Set<String> ANSWERED_RECORDED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    static final Map<Integer, Integer> STATUSES = new java.util.concurrent.ConcurrentHashMap<>();

    static Path dataDir;
    static WireMockServer yotpo;
    static RunningBridge bridge;

    enum Auth { VALID_SIGNATURE, SEVERAL_SIGNATURES, WRONG_SECRET, STALE, RANDOM_HEADERS, MISSING, BEARER_VALID, BEARER_RANDOM }

    record Attack(String method, String merchant, String contentType, byte[] body, Auth auth, String randomHeader) {
        @Override
        public String toString() {
            String text = new String(body, StandardCharsets.UTF_8);
            return method + " " + merchant + " ct=" + contentType + " auth=" + auth + " body(" + body.length + ")="
                    + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    @BeforeContainer
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("bridge-fuzz");
        yotpo = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        yotpo.start();
        yotpo.stubFor(post("/api/v2/actions").willReturn(aResponse().withStatus(200).withBody("{}")));
        bridge = RunningBridge.start(dataDir, yotpo.baseUrl());
        bridge.registerMerchant("acme", "api-key-0123456789abcd", "guid-0123456789abcdef", SECRET, "signature");
        bridge.registerMerchant("bearer-co", "api-key-bearer-0123456", "guid-bearer-012345678", BEARER, "bearer");
        bridge.putMerchant("switched-off", "{\"yotpo_api_key\":\"api-key-off-0123456789\",\"yotpo_guid\":\"guid-off-0123456789\","
                + "\"webhook_secret\":\"" + SECRET + "\",\"enabled\":false}");
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            // nothing that was refused is recorded: the ledger holds exactly what was answered 202
            DataSource dataSource = bridge.camel().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
            Set<String> recorded = new HashSet<>();
            try (var c = dataSource.getConnection(); var rows = c.createStatement().executeQuery("SELECT merchant_id, verification_id FROM verification")) {
                while (rows.next()) {
                    recorded.add(rows.getString(1) + "/" + rows.getString(2));
                }
            }
            System.out.println("Fuzz answers by status: " + STATUSES + ", recorded " + recorded.size());
            assertThat(recorded).isEqualTo(ANSWERED_RECORDED);
            assertThat(STATUSES.keySet()).allSatisfy(status -> assertThat(status).isBetween(200, 499));
            // the generators reach every kind of answer, so the property tests something
            assertThat(STATUSES.keySet()).contains(202, 400, 401, 403, 413, 415);
        } finally {
            bridge.close();
            yotpo.stop();
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = 10_000, shrinking = ShrinkingMode.BOUNDED)
    void hostileRequestGetsA2xxOr4xxAndOnlyAcceptedOnesAreRecorded(@ForAll("attacks") Attack attack) {
        String verificationId = "fz-" + COUNTER.incrementAndGet();
        byte[] body = new String(attack.body(), StandardCharsets.ISO_8859_1).contains(ID)
                ? replace(attack.body(), verificationId) : attack.body();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bridge.url("/api/v1/merchants/" + attack.merchant() + "/verifications")))
                .method(attack.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        if (attack.contentType() != null) {
            request.header("Content-Type", attack.contentType());
        }
        headers(attack, body).forEach(request::header);

        HttpResponse<String> response;
        try {
            response = RunningBridge.send(request);
        } catch (UncheckedIOException e) {
            throw new AssertionError("connection dropped for " + attack, e);
        }
        STATUSES.merge(response.statusCode(), 1, Integer::sum);
        assertThat(response.statusCode()).as("%s -> %s", attack, response.body()).isBetween(200, 499);
        assertThat(response.body()).as("%s", attack).startsWith("{").endsWith("}");
        if (response.statusCode() < 300) {
            // a generated field may itself be a valid id: the answer names the one recorded
            String answered = attack.merchant() + "/" + answeredId(response.body());
            if (response.statusCode() == 202) {
                assertThat(ANSWERED_RECORDED.add(answered)).as("202 twice for %s", answered).isTrue();
            } else {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("\"status\":\"duplicate\"");
                assertThat(ANSWERED_RECORDED).as("duplicate of what was never accepted").contains(answered);
            }
        }
    }

    static String answeredId(String body) {
        try {
            return me.gocertify.bridge.web.Json.MAPPER.readTree(body).get("verification_id").textValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> headers(Attack attack, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        String id = "msg_" + COUNTER.get();
        String now = String.valueOf(System.currentTimeMillis() / 1000);
        switch (attack.auth()) {
            case VALID_SIGNATURE -> signature(headers, SECRET, id, now, body);
            case SEVERAL_SIGNATURES -> {
                signature(headers, SECRET, id, now, body);
                headers.put("webhook-signature", "v1," + attack.randomHeader() + " " + headers.get("webhook-signature") + " v1,AAAA");
            }
            case WRONG_SECRET -> signature(headers, "whsec_c2VjcmV0LW9mLWFub3RoZXItbWVyY2hhbnQ=", id, now, body);
            case STALE -> signature(headers, SECRET, id, String.valueOf(Long.parseLong(now) - 301 - attack.randomHeader().length()), body);
            case RANDOM_HEADERS -> {
                headers.put("webhook-id", attack.randomHeader());
                headers.put("webhook-timestamp", attack.randomHeader().isEmpty() ? now : attack.randomHeader());
                headers.put("webhook-signature", attack.randomHeader());
            }
            case MISSING -> { }
            case BEARER_VALID -> headers.put("Authorization", "Bearer " + BEARER);
            case BEARER_RANDOM -> headers.put("Authorization", "Bearer " + attack.randomHeader());
        }
        headers.values().removeIf(String::isEmpty);
        return headers;
    }

    static void signature(Map<String, String> headers, String secret, String id, String timestamp, byte[] body) {
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", timestamp);
        headers.put("webhook-signature", SignatureVerifier.signature(secret, id, timestamp, body));
    }

    static byte[] replace(byte[] body, String verificationId) {
        return new String(body, StandardCharsets.ISO_8859_1).replace(ID, verificationId).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Provide
    Arbitrary<Attack> attacks() {
        Arbitrary<String> method = Arbitraries.frequency(Tuple(90, "POST"), Tuple(3, "GET"), Tuple(3, "PUT"), Tuple(2, "DELETE"), Tuple(2, "PATCH"));
        Arbitrary<String> merchant = Arbitraries.frequencyOf(
                Tuple(55, Arbitraries.just("acme")), Tuple(20, Arbitraries.just("bearer-co")), Tuple(8, Arbitraries.just("switched-off")),
                Tuple(7, Arbitraries.just("nobody")), Tuple(7, Arbitraries.strings().withChars("abcXYZ019._-~").ofMinLength(1).ofMaxLength(80)),
                Tuple(3, Arbitraries.of("%2F..%2Facme", "acme%00", "a%20b", "%25", "x%C3%A9", "ACME", "acme.", "acme%2Fverifications")));
        Arbitrary<String> contentType = Arbitraries.frequencyOf(
                Tuple(70, Arbitraries.just("application/json")),
                Tuple(5, Arbitraries.of("application/json; charset=utf-8", "APPLICATION/JSON;charset=\"UTF-8\"", "application/json; charset=latin1",
                        "application/json;;", "application/json; boundary=x")),
                Tuple(10, Arbitraries.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "text/plain",
                        "application/xml", "*/*", "application/*", "")),
                Tuple(8, printable(0, 200)),
                Tuple(7, Arbitraries.just(null)));
        Arbitrary<Auth> auth = Arbitraries.frequency(Tuple(40, Auth.VALID_SIGNATURE), Tuple(5, Auth.SEVERAL_SIGNATURES), Tuple(8, Auth.WRONG_SECRET),
                Tuple(5, Auth.STALE), Tuple(10, Auth.RANDOM_HEADERS), Tuple(7, Auth.MISSING), Tuple(17, Auth.BEARER_VALID), Tuple(8, Auth.BEARER_RANDOM));
        return Combinators.combine(method, merchant, contentType, bodies(), auth, printable(0, 300)).as(Attack::new);
    }

    static Arbitrary<byte[]> bodies() {
        return Arbitraries.frequencyOf(
                Tuple(25, validish()),
                Tuple(10, Arbitraries.bytes().array(byte[].class).ofMaxSize(3000)),
                Tuple(8, invalidUtf8()),
                Tuple(8, deepNesting()),
                Tuple(7, hugeNumbers()),
                Tuple(7, hugeStrings()),
                Tuple(10, wrongTypes()),
                Tuple(8, Arbitraries.of("", " ", "[]", "{}", "null", "true", "1e999999", "-", "\"x\"", "[{}]", "{\"a\":1}{\"b\":2}",
                        "{\"verification_id\":\"" + ID + "\",\"verification_id\":\"x\",\"campaign\":\"students\",\"email\":\"a@b.co\"}",
                        "\uFEFF{\"verification_id\":\"" + ID + "\",\"campaign\":\"students\",\"email\":\"a@b.co\"}",
                        "{\"verification_id\":\"" + ID + "\",\"campaign\":\"students\",\"email\":\"a@b.co\"} trailing",
                        "{'verification_id':'" + ID + "','campaign':'students','email':'a@b.co'}",
                        "{\"verification_id\":\"" + ID + "\",\"campaign\":\"students\",\"email\":\"a@b.co\",}",
                        "/* c */{\"verification_id\":\"" + ID + "\",\"campaign\":\"students\",\"email\":\"a@b.co\"}",
                        "{\"verification_id\":\"" + ID + "\",\"campaign\":\"students\",\"email\":\"a@b.co\",\"x\":NaN}")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple(7, oversized()));
    }

    /** The contract's fields, each valid or broken, plus unknown fields; the id is unique per try. */
    static Arbitrary<byte[]> validish() {
        Arbitrary<String> campaign = Arbitraries.frequencyOf(Tuple(80, Arbitraries.of("students", "nhs", "key-workers", "a")),
                Tuple(20, Arbitraries.strings().all().ofMaxLength(80)));
        Arbitrary<String> email = Arbitraries.frequencyOf(Tuple(75, Arbitraries.of("jane@example.com", "o'neil+x@mail.example.co.uk")),
                Tuple(25, Arbitraries.strings().all().ofMaxLength(300)));
        Arbitrary<String> status = Arbitraries.frequencyOf(Tuple(60, Arbitraries.just(null)), Tuple(20, Arbitraries.just("verified")),
                Tuple(20, Arbitraries.strings().all().ofMaxLength(100)));
        Arbitrary<String> verifiedAt = Arbitraries.frequencyOf(Tuple(60, Arbitraries.just(null)),
                Tuple(20, Arbitraries.of("2026-11-25T10:15:30Z", "2026-11-25T10:15:30.999+02:00", "0000-01-01T00:00:00Z",
                        "+999999999-12-31T23:59:59Z", "2026-02-30T10:15:30Z")),
                Tuple(20, Arbitraries.strings().all().ofMaxLength(100)));
        Arbitrary<String> extra = Arbitraries.of("", ",\"reward_points\":1000000", ",\"action_name\":\"x\",\"type\":\"Other\"",
                ",\"@class\":\"java.lang.ProcessBuilder\"", ",\"verification_id2\":null", ",\"nested\":{\"a\":[1,2,{\"b\":null}]}");
        return Combinators.combine(campaign, email, status, verifiedAt, extra).as((c, e, s, v, x) -> {
            StringBuilder json = new StringBuilder("{\"verification_id\":\"" + ID + "\",\"campaign\":").append(quote(c))
                    .append(",\"email\":").append(quote(e));
            if (s != null) {
                json.append(",\"status\":").append(quote(s));
            }
            if (v != null) {
                json.append(",\"verified_at\":").append(quote(v));
            }
            return json.append(x).append('}').toString().getBytes(StandardCharsets.UTF_8);
        });
    }

    static Arbitrary<byte[]> invalidUtf8() {
        return Combinators.combine(validish(), Arbitraries.integers().between(0, 1000), Arbitraries.bytes().between((byte) 0x80, (byte) 0xff))
                .as((json, at, bad) -> {
                    byte[] copy = json.clone();
                    copy[Math.min(at, copy.length - 1)] = bad;
                    return copy;
                });
    }

    static Arbitrary<byte[]> deepNesting() {
        return Combinators.combine(Arbitraries.integers().between(1, 30_000), Arbitraries.of("[", "{\"a\":", "[{\"a\":"))
                .as((depth, open) -> ("{\"verification_id\":\"" + ID + "\",\"campaign\":\"students\",\"email\":\"a@b.co\",\"x\":"
                        + open.repeat(depth / open.length() + 1)).getBytes(StandardCharsets.UTF_8));
    }

    static Arbitrary<byte[]> hugeNumbers() {
        return Combinators.combine(Arbitraries.integers().between(1, 60_000), Arbitraries.of("", "-", "0.", "1e", "1e-"))
                .as((digits, prefix) -> ("{\"verification_id\":\"" + ID + "\",\"campaign\":\"students\",\"email\":\"a@b.co\",\"n\":"
                        + prefix + "9".repeat(digits) + "}").getBytes(StandardCharsets.UTF_8));
    }

    static Arbitrary<byte[]> hugeStrings() {
        return Combinators.combine(Arbitraries.integers().between(100, 66_000), Arbitraries.of("verification_id", "campaign", "email", "status", "verified_at", "other"))
                .as((length, field) -> {
                    Map<String, String> fields = new LinkedHashMap<>(Map.of("verification_id", ID, "campaign", "students", "email", "a@b.co"));
                    fields.put(field, "x".repeat(length));
                    StringBuilder json = new StringBuilder("{");
                    fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append(quote(k)).append(':').append(quote(v)));
                    return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
                });
    }

    static Arbitrary<byte[]> wrongTypes() {
        Arbitrary<String> value = Arbitraries.of("1", "-0.5", "true", "null", "[]", "{}", "[\"" + ID + "\"]", "{\"$ref\":\"x\"}", "1e308");
        return Combinators.combine(Arbitraries.of("verification_id", "campaign", "email", "status", "verified_at"), value)
                .as((field, v) -> {
                    Map<String, String> fields = new LinkedHashMap<>(Map.of("verification_id", quote(ID), "campaign", "\"students\"", "email", "\"a@b.co\""));
                    fields.put(field, v);
                    StringBuilder json = new StringBuilder("{");
                    fields.forEach((k, x) -> json.append(json.length() > 1 ? "," : "").append(quote(k)).append(':').append(x));
                    return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
                });
    }

    static Arbitrary<byte[]> oversized() {
        return Arbitraries.integers().between(65_537, 100_000).map(size -> {
            byte[] body = new byte[size];
            java.util.Arrays.fill(body, (byte) ' ');
            byte[] start = ("{\"verification_id\":\"" + ID + "\",\"campaign\":\"students\",\"email\":\"a@b.co\"}").getBytes(StandardCharsets.UTF_8);
            System.arraycopy(start, 0, body, 0, start.length);
            return body;
        });
    }

    static Arbitrary<String> printable(int min, int max) {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(min).ofMaxLength(max).map(String::strip);
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                out.append('\\').append(ch);
            } else if (ch < 0x20) {
                out.append(String.format("\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        return out.append('"').toString();
    }

    static <T> net.jqwik.api.Tuple.Tuple2<Integer, T> Tuple(int weight, T value) {
        return net.jqwik.api.Tuple.of(weight, value);
    }
}
