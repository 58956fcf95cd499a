package me.gocertify.bridge.filedrop;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.zaxxer.hikari.HikariDataSource;
import me.gocertify.bridge.support.CapturedLog;
import me.gocertify.bridge.support.RunningBridge;
import me.gocertify.bridge.verification.Ledger;

class FileDropTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String HEADER = "merchant_id,verification_id,campaign,email\n";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    WireMockServer yotpo;
    RunningBridge bridge;

    void start(Properties extra) {
        yotpo = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        yotpo.start();
        yotpo.stubFor(post("/api/v2/actions").willReturn(aResponse().withStatus(200).withBody("{}")));
        Properties settings = RunningBridge.settings(dataDir, yotpo.baseUrl());
        settings.putAll(extra);
        bridge = RunningBridge.start(settings);
        merchant("acme", true);
    }

    void start() {
        start(new Properties());
    }

    /** One setting over the test's defaults. */
    static Properties setting(String name, String value) {
        Properties one = new Properties();
        one.setProperty(name, value);
        return one;
    }

    void merchant(String id, boolean enabled) {
        var answer = bridge.putMerchant(id, "{\"yotpo_api_key\":\"api-key-0123456789abcd\",\"yotpo_guid\":\"guid-0123456789abcdef\","
                + "\"webhook_secret\":\"" + SECRET + "\",\"enabled\":" + enabled + ",\"rate_limit_per_second\":1000}");
        assertThat(answer.statusCode()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (yotpo != null) {
            yotpo.stop();
        }
    }

    @Test
    void csvWithQuotedCommasBomAndCrlfIsRecorded() throws IOException {
        start();
        String csv = "\uFEFFnote,Email,campaign,verification_id,status,merchant_id,verified_at\r\n"
                + "\"Smith, Jane\",jane@example.com,students,v-1,verified,acme,2026-11-25T10:15:30Z\r\n"
                + "\"said \"\"hi\"\", then\r\nleft\",john@example.com,nhs,v-2,,acme,\r\n"
                + "\"x\",ann@example.com,students,v-3,rejected,acme,\r\n";
        drop("export.csv", csv);

        awaitMoved(".done", "export.csv");
        await().atMost(WAIT).until(() -> actionCalls() == 2);
        yotpo.verify(1, actions().withRequestBody(containing("\"customer_email\":\"jane@example.com\""))
                .withRequestBody(containing("\"action_name\":\"gocertify-students\""))
                .withRequestBody(containing("\"created_at\":\"2026-11-25T10:15:30Z\"")));
        yotpo.verify(1, actions().withRequestBody(containing("\"customer_email\":\"john@example.com\""))
                .withRequestBody(containing("\"action_name\":\"gocertify-nhs\"")));
        assertThat(bridge.admin("GET", "/admin/merchants/acme/verifications/v-3").body()).contains("\"status\":\"IGNORED\"");
        assertThat(Files.exists(bridge.inbox().resolve(".failed/export.csv.errors.json"))).isFalse();
    }

    @Test
    void jsonArrayIsRecorded() throws IOException {
        start();
        drop("batch.json", "[\n {\"merchant_id\":\"acme\",\"verification_id\":\"j-1\",\"campaign\":\"students\",\"email\":\"a@example.com\"},\n"
                + " {\"merchant_id\":\"acme\",\"verification_id\":\"j-2\",\"campaign\":\"students\",\"email\":\"b@example.com\","
                + "\"verified_at\":\"2026-01-02T03:04:05Z\",\"extra\":{\"ignored\":[1,2]}}\n]\n");

        awaitMoved(".done", "batch.json");
        await().atMost(WAIT).until(() -> actionCalls() == 2);
        yotpo.verify(1, actions().withRequestBody(containing("\"created_at\":\"2026-01-02T03:04:05Z\"")));
    }

    @Test
    void ndjsonAndJsonlAreRecorded() throws IOException {
        start();
        drop("a.ndjson", "{\"merchant_id\":\"acme\",\"verification_id\":\"n-1\",\"campaign\":\"students\",\"email\":\"a@example.com\"}\n\n"
                + "{\"merchant_id\":\"acme\",\"verification_id\":\"n-2\",\"campaign\":\"students\",\"email\":\"b@example.com\"}");
        drop("b.JSONL", "{\"merchant_id\":\"acme\",\"verification_id\":\"n-3\",\"campaign\":\"students\",\"email\":\"c@example.com\"}\r\n");

        awaitMoved(".done", "a.ndjson");
        awaitMoved(".done", "b.JSONL");
        await().atMost(WAIT).until(() -> actionCalls() == 3);
    }

    @Test
    void fileWrittenInTwoPartsIsReadOnlyWhenWhole() throws IOException {
        start(setting("bridge.inbox.quiet-ms", "2000"));
        Files.createDirectories(bridge.inbox());
        Path file = bridge.inbox().resolve("slow.csv");
        Files.writeString(file, HEADER + "acme,s-1,students,first@example.com\nacme,s-2,students,sec");

        // the first part is left alone while the writer may still be at it
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> Files.exists(file) && !Files.exists(bridge.inbox().resolve(".done/slow.csv"))
                        && !Files.exists(bridge.inbox().resolve(".failed/slow.csv")));
        Files.writeString(file, "ond@example.com\n", StandardOpenOption.APPEND);

        awaitMoved(".done", "slow.csv");
        await().atMost(WAIT).until(() -> actionCalls() == 2);
        yotpo.verify(1, actions().withRequestBody(containing("\"customer_email\":\"second@example.com\"")));
    }

    @Test
    void tempNamesAndDotFilesAreLeftAloneUntilRenamedIntoPlace() throws IOException {
        start();
        Path partial = bridge.inbox().resolve("late.csv.part");
        Path hidden = bridge.inbox().resolve(".hidden.csv");
        Path temp = bridge.inbox().resolve("other.csv.tmp");
        Files.writeString(partial, HEADER + "acme,t-1,students,a@example.com\n");
        Files.writeString(hidden, HEADER + "acme,t-2,students,b@example.com\n");
        Files.writeString(temp, HEADER + "acme,t-3,students,c@example.com\n");
        drop("marker.csv", HEADER + "acme,t-4,students,d@example.com\n");

        awaitMoved(".done", "marker.csv");
        assertThat(partial).exists();
        assertThat(hidden).exists();
        assertThat(temp).exists();

        Files.move(partial, bridge.inbox().resolve("late.csv"), StandardCopyOption.ATOMIC_MOVE);
        awaitMoved(".done", "late.csv");
        await().atMost(WAIT).until(() -> actionCalls() == 2);
        yotpo.verify(0, actions().withRequestBody(containing("b@example.com")));
        yotpo.verify(0, actions().withRequestBody(containing("c@example.com")));
    }

    @Test
    void threeBadRowsAmongAThousandGive997AwardsAndAReportOfThoseLines() throws IOException {
        start();
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= 1000; i++) {
            // row i is on line i + 1
            String row = switch (i) {
                case 100 -> "acme,r-100,students,not-an-email";
                case 501 -> "nobody,r-501,students,x501@example.com";
                case 899 -> "acme,r-899,,x899@example.com";
                default -> "acme,r-" + i + ",students,x" + i + "@example.com";
            };
            csv.append(row).append('\n');
        }
        drop("thousand.csv", csv.toString());

        awaitMoved(".failed", "thousand.csv");
        assertThat(report("thousand.csv")).containsExactly(
                Map.of("line", 101, "verification_id", "r-100", "error", "email must be a valid address of at most 254 characters"),
                Map.of("line", 502, "verification_id", "r-501", "error", "unknown merchant nobody"),
                Map.of("line", 900, "verification_id", "r-899", "error", "campaign is required"));
        await().atMost(WAIT).until(() -> actionCalls() == 997);
        await().during(Duration.ofMillis(500)).until(() -> actionCalls() == 997);
        FileDropProgress progress = bridge.camel().getRegistry().lookupByNameAndType("fileDropProgress", FileDropProgress.class);
        assertThat(progress.recordsRecorded()).isEqualTo(997);
        assertThat(progress.recordsRejected()).isEqualTo(3);
        assertThat(progress.filesFailed()).isEqualTo(1);
    }

    @Test
    void emptyFileFails() throws IOException {
        start();
        drop("empty.csv", "");
        drop("blank.json", "  \n");

        awaitMoved(".failed", "empty.csv");
        awaitMoved(".failed", "blank.json");
        assertThat(report("empty.csv")).containsExactly(errorAt(1, null, "the file is empty"));
        assertThat(report("blank.json")).containsExactly(errorAt(1, null, "the file is empty"));
    }

    @Test
    void binaryFileFails() throws IOException {
        start();
        byte[] noise = new byte[4096];
        new Random(5).nextBytes(noise);
        dropBytes("photo.csv", noise);
        dropBytes("zeros.ndjson", new byte[64]);

        awaitMoved(".failed", "photo.csv");
        awaitMoved(".failed", "zeros.ndjson");
        assertThat(report("photo.csv")).singleElement().satisfies(entry ->
                assertThat((String) entry.get("error")).startsWith("the file is not UTF-8 text"));
        assertThat(report("zeros.ndjson")).singleElement().satisfies(entry ->
                assertThat((String) entry.get("error")).startsWith("the file is not UTF-8 text"));
        assertThat(actionCalls()).isZero();
    }

    @Test
    void headerWithoutTheRequiredColumnsFails() throws IOException {
        start();
        drop("wrong.csv", "merchant,id,email\nacme,h-1,a@example.com\n");

        awaitMoved(".failed", "wrong.csv");
        assertThat(report("wrong.csv")).containsExactly(errorAt(1, null,
                "the header must name merchant_id, verification_id, campaign and email; missing: merchant_id, verification_id, campaign"));
        assertThat(actionCalls()).isZero();
    }

    @Test
    void rowsOfUnknownOrDisabledMerchantsFailButTheRestIsRecorded() throws IOException {
        start();
        merchant("sleepy", false);
        drop("mixed.ndjson", String.join("\n",
                "{\"merchant_id\":\"acme\",\"verification_id\":\"m-1\",\"campaign\":\"students\",\"email\":\"a@example.com\"}",
                "{\"merchant_id\":\"ghost\",\"verification_id\":\"m-2\",\"campaign\":\"students\",\"email\":\"b@example.com\"}",
                "{\"merchant_id\":\"sleepy\",\"verification_id\":\"m-3\",\"campaign\":\"students\",\"email\":\"c@example.com\"}",
                "{\"verification_id\":\"m-4\",\"campaign\":\"students\",\"email\":\"d@example.com\"}",
                "{\"merchant_id\":\"acme\",\"verification_id\":\"m-5\",\"campaign\":\"students\"",
                "{\"merchant_id\":\"acme\",\"verification_id\":\"m-6\",\"campaign\":\"students\",\"email\":\"f@example.com\"}"));

        awaitMoved(".failed", "mixed.ndjson");
        assertThat(report("mixed.ndjson")).containsExactly(
                errorAt(2, "m-2", "unknown merchant ghost"),
                errorAt(3, "m-3", "merchant sleepy is disabled"),
                errorAt(4, "m-4", "merchant_id is required"),
                errorAt(5, null, "the line is not valid JSON"));
        await().atMost(WAIT).until(() -> actionCalls() == 2);
        await().during(Duration.ofMillis(500)).until(() -> actionCalls() == 2);
    }

    @Test
    void correctedFileDroppedAgainAwardsEachVerificationOnce() throws IOException {
        start();
        drop("fix.csv", HEADER + "acme,f-1,students,a@example.com\nacme,f-2,students,b(at)example.com\nacme,f-3,students,c@example.com\n");
        awaitMoved(".failed", "fix.csv");
        assertThat(report("fix.csv")).extracting(entry -> entry.get("line")).containsExactly(3);
        await().atMost(WAIT).until(() -> actionCalls() == 2);

        String corrected = HEADER + "acme,f-1,students,a@example.com\nacme,f-2,students,b@example.com\nacme,f-3,students,c@example.com\n";
        drop("fix.csv", corrected);
        awaitMoved(".done", "fix.csv");
        await().atMost(WAIT).until(() -> actionCalls() == 3);

        // the very same file once more: every record is a duplicate, and the file is done
        drop("fix.csv", corrected);
        FileDropProgress progress = bridge.camel().getRegistry().lookupByNameAndType("fileDropProgress", FileDropProgress.class);
        await().atMost(WAIT).until(() -> progress.filesDone() == 2 && !Files.exists(bridge.inbox().resolve("fix.csv")));
        await().during(Duration.ofMillis(500)).until(() -> actionCalls() == 3);
        assertThat(bridge.admin("GET", "/admin/merchants/acme/verifications/f-2").body()).contains("\"status\":\"DELIVERED\"");
    }

    @Test
    void malformedJsonArrayReportsWhereItBroke() throws IOException {
        start();
        drop("broken.json", "[\n{\"merchant_id\":\"acme\",\"verification_id\":\"b-1\",\"campaign\":\"students\",\"email\":\"a@example.com\"},\n"
                + "42,\n{\"merchant_id\":\"acme\",\"verification_id\":\"b-3\",\"campaign\":\"students\",\"email\":\"c@example.com\"},\n"
                + "{\"merchant_id\":\"acme\" \"verification_id\":\"b-4\"}\n]");

        awaitMoved(".failed", "broken.json");
        assertThat(report("broken.json")).containsExactly(
                errorAt(3, null, "each element of the array must be an object"),
                errorAt(5, null, "the JSON is malformed here; the rest of the file was not read"));
        await().atMost(WAIT).until(() -> actionCalls() == 2);
    }

    @Test
    void fileTheStoreCannotTakeFailsWithAReportOfWhereItStopped() throws IOException {
        start();
        closeStore();
        drop("stuck.csv", HEADER + "acme,d-1,students,a@example.com\nacme,d-2,students,b@example.com\n");

        awaitMoved(".failed", "stuck.csv");
        assertThat(report("stuck.csv")).containsExactly(storeStoppedItAt(2, "d-1"));
    }

    @Test
    void aBatchTheStoreCannotTakeIsReportedWhereItStartsAndNotRecordByRecord() throws IOException {
        // the merchant stays cached, so the store fails only at the batch's recording
        start(setting("bridge.merchants.cache-ms", "600000"));
        drop("first.csv", HEADER + "acme,s-1,students,a@example.com\n");
        awaitMoved(".done", "first.csv");
        closeStore();
        drop("second.csv", HEADER + "acme,s-2,students,not-an-email\nacme,s-3,students,c@example.com\n");

        awaitMoved(".failed", "second.csv");
        // line 2 is rejected by the rules too, but nothing of its batch was recorded: processing stopped at its start
        assertThat(report("second.csv")).containsExactly(storeStoppedItAt(2, "s-2"));
    }

    @Test
    void aFileOfManyBatchesStopsAtTheFirstBatchTheStoreCannotTake() throws IOException {
        Properties settings = setting("bridge.inbox.batch-size", "2");
        // the merchant stays cached, so the store fails only at each batch's recording
        settings.setProperty("bridge.merchants.cache-ms", "600000");
        start(settings);
        drop("first.csv", HEADER + "acme,s-1,students,a@example.com\n");
        awaitMoved(".done", "first.csv");
        closeStore();
        drop("many.csv", rows("m", 7));

        awaitMoved(".failed", "many.csv");
        // one entry, where it stopped: the batches after it were not tried
        assertThat(report("many.csv")).containsExactly(storeStoppedItAt(2, "m-1"));
        assertThat(progress().filesFailed()).isEqualTo(1);
        assertThat(progress().filesDone()).isEqualTo(1);
    }

    @Test
    void aStopBetweenBatchesIsReportedAfterTheLastRecordRecorded() throws Exception {
        Properties settings = setting("bridge.inbox.batch-size", "2");
        // the hand-off to a stopped route fails at once instead of waiting for it to start again
        settings.setProperty("camel.component.direct.block", "false");
        start(settings);
        // an operator stops the hand-off to delivery: the first batch is recorded, then its hand-off fails
        bridge.camel().getRouteController().stopRoute("recorded");
        List<ILoggingEvent> logged = loggedDuring(() -> {
            drop("halted.csv", rows("h", 3));
            awaitMoved(".failed", "halted.csv");
        });
        // the stop is the report's entry, not a rejected record
        assertThat(logged).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(message -> message.startsWith("File drop: halted.csv: 2 records, 2 recorded, 0 rejected, stopped at line 3 in"));
        assertThat(report("halted.csv")).containsExactly(errorAt(3, "h-2", "processing stopped after this record:"
                + " an unexpected error stopped it; the records up to it were recorded, drop the file again to finish it"));
        // h-1 and h-2 recorded (delivered by the poller meanwhile, or waiting for it), h-3 not
        Ledger ledger = bridge.camel().getRegistry().lookupByNameAndType("ledger", Ledger.class);
        assertThat(ledger.countsByStatus("acme").values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
    }

    @Test
    void handOffsPastAFullDeliveryQueueWaitForThePollerQuietly() throws Exception {
        start(setting("bridge.delivery.queue-size", "5"));
        // no deliverer takes from the queue, so it fills after five
        bridge.camel().getRouteController().stopRoute("deliver-accepted");
        bridge.camel().getRouteController().stopRoute("deliver-due");
        List<ILoggingEvent> logged = loggedDuring(() -> {
            drop("queued.csv", rows("q", 50));
            awaitMoved(".done", "queued.csv");
        });
        assertThat(logged).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        assertThat(bridge.camel().getRegistry().lookupByNameAndType("ledger", Ledger.class).countsByStatus("acme"))
                .containsEntry("PENDING", 50);
        // the five queued go out, so the bridge stops without waiting for them
        bridge.camel().getRouteController().startRoute("deliver-accepted");
    }

    @Test
    void aBatchSizeBelowOneStopsTheStartWithItsName() {
        assertThat(catchThrowable(() -> new FileDrop(null, null, new FileDropProgress(), Clock.systemUTC(), 10_000, 0)))
                .hasMessageContaining("bridge.inbox.batch-size must be at least 1");
    }

    @Test
    void fileUnderWayWhenTheBridgeStopsIsReadAgainOnTheNextStartWhichIsReadyMeanwhile() throws Exception {
        // one record a batch, so reading the file takes longer than stopping, and longer than starting
        Properties slow = setting("bridge.inbox.batch-size", "1");
        start(slow);
        drop("big.csv", rows("big", 2_000));
        await().atMost(WAIT).until(() -> progress().currentFileRecords() >= 20);
        Path inbox = bridge.inbox();
        List<ILoggingEvent> logged = loggedDuring(bridge::close);
        assertThat(logged).as("a stop while reading is not an error").noneMatch(event -> event.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage).anyMatch(message -> message.contains("big.csv stays in the inbox"));

        assertThat(inbox.resolve("big.csv")).exists();
        assertThat(inbox.resolve(".failed/big.csv")).doesNotExist();
        assertThat(inbox.resolve(".done/big.csv")).doesNotExist();

        Properties settings = RunningBridge.settings(dataDir, yotpo.baseUrl());
        settings.putAll(slow);
        bridge = RunningBridge.start(settings);
        // ready (start waits for it) while the file is still being read: a big file does not keep it out of service
        assertThat(inbox.resolve(".done/big.csv")).doesNotExist();
        awaitMoved(".done", "big.csv");
        assertThat(progress().recordsRecorded()).isEqualTo(2_000);
        assertThat(bridge.admin("GET", "/admin/merchants/acme/verifications/big-2000").statusCode()).isEqualTo(200);
    }

    /** Something a test does that may throw. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** What the bridge logged while {@code step} ran. */
    private static List<ILoggingEvent> loggedDuring(Step step) throws Exception {
        try (CapturedLog logged = CapturedLog.all()) {
            step.run();
            return logged.events();
        }
    }

    /** A CSV of {@code count} good rows for acme: {prefix}-1, {prefix}-2, ... */
    private static String rows(String prefix, int count) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= count; i++) {
            csv.append("acme,").append(prefix).append('-').append(i).append(",students,").append(prefix).append(i)
                    .append("@example.com\n");
        }
        return csv.toString();
    }

    /** The store goes away under the running bridge. */
    private void closeStore() {
        bridge.camel().getRegistry().lookupByNameAndType("dataSource", HikariDataSource.class).close();
    }

    private static Map<String, Object> storeStoppedItAt(int line, String verificationId) {
        return errorAt(line, verificationId, "processing stopped here: the store was unavailable;"
                + " the records before it were recorded, drop the file again to finish it");
    }

    private FileDropProgress progress() {
        return bridge.camel().getRegistry().lookupByNameAndType("fileDropProgress", FileDropProgress.class);
    }

    private void drop(String name, String content) throws IOException {
        dropBytes(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the file under a dot-name and renames it into place, as a careful sender does. */
    private void dropBytes(String name, byte[] content) throws IOException {
        Files.createDirectories(bridge.inbox());
        Path temp = bridge.inbox().resolve("." + name + ".writing");
        Files.write(temp, content);
        Files.move(temp, bridge.inbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private void awaitMoved(String folder, String name) {
        Path moved = bridge.inbox().resolve(folder).resolve(name);
        await().atMost(WAIT).until(() -> Files.exists(moved) && !Files.exists(bridge.inbox().resolve(name)));
    }

    private List<Map<String, Object>> report(String name) throws IOException {
        return new ObjectMapper().readValue(bridge.inbox().resolve(".failed").resolve(name + ".errors.json").toFile(),
                new TypeReference<List<Map<String, Object>>>() { });
    }

    private static Map<String, Object> errorAt(int line, String verificationId, String error) {
        Map<String, Object> entry = new java.util.HashMap<>();
        entry.put("line", line);
        entry.put("verification_id", verificationId);
        entry.put("error", error);
        return entry;
    }

    private int actionCalls() {
        return yotpo.countRequestsMatching(actions().build()).getCount();
    }

    private static RequestPatternBuilder actions() {
        return postRequestedFor(urlEqualTo("/api/v2/actions"));
    }
}
