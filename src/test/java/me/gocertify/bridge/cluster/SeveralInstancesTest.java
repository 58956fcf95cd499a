package me.gocertify.bridge.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.BridgeProcess;
import me.gocertify.bridge.support.PostgresServer;
import me.gocertify.bridge.support.YotpoSimulator;

/**
 * Contract 8: three bridge JVMs on one PostgreSQL share the work. One is killed with SIGKILL
 * mid-run; still every acknowledged verification is awarded exactly once, no merchant's calls ever
 * exceed its rate in any second (counted by what Yotpo received), and each inbox file is read by one
 * instance (a file the killed one was reading is taken up by another).
 */
@Tag("multi-instance")
class SeveralInstancesTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /** merchant -> rate_limit_per_second; the back-log is far above each rate, so the limits bind. */
    static final Map<String, Integer> LIMITS = Map.of("north", 40, "south", 25, "west", 15);
    static final Pattern READING = Pattern.compile("File drop: reading (\\S+)");

    @TempDir
    Path dir;

    YotpoSimulator yotpo;
    String db;
    Path inbox;
    final List<BridgeProcess> bridges = new ArrayList<>();
    final List<Path> logs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        yotpo = new YotpoSimulator();
        yotpo.answerActions(aResponse().withStatus(200).withBody("{}").withFixedDelay(15));
        db = PostgresServer.shared().newDatabase();
        inbox = Files.createDirectories(dir.resolve("inbox"));
        startInstances(3);
        for (Map.Entry<String, Integer> merchant : LIMITS.entrySet()) {
            assertThat(bridges.get(0).client().putMerchant(merchant.getKey(), "{\"yotpo_api_key\":\"api-key-" + merchant.getKey()
                    + "-0000000\",\"yotpo_guid\":\"" + guid(merchant.getKey()) + "\",\"webhook_secret\":\"" + SECRET
                    + "\",\"rate_limit_per_second\":" + merchant.getValue() + "}").statusCode()).isEqualTo(200);
        }
    }

    @AfterEach
    void stop() {
        bridges.forEach(BridgeProcess::close);
        yotpo.stop();
    }

    @Test
    void threeInstancesShareThousandsOfWebhooksAndOneIsKilledMidRun() throws Exception {
        int total = 3000;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<?>> sending = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            sending.add(senders.submit(() -> {
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    sendUntilAcknowledged(i, acknowledged);
                }
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= total / 3);
        BridgeProcess victim = bridges.get(1);
        victim.kill();
        for (Future<?> f : sending) {
            f.get(120, TimeUnit.SECONDS);
        }
        senders.shutdown();
        assertThat(acknowledged).as("Gocertify retries on another instance until acknowledged").hasSize(total);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> statusesInDatabase().keySet().equals(Set.of("DELIVERED")));
        assertAwardedOnceWithinRates(acknowledged, total);
    }

    @Test
    void threeInstancesShareOneInboxEachFileReadByOne() throws Exception {
        int files = 24;
        int rows = 25;
        Set<String> expected = ConcurrentHashMap.newKeySet();
        String[] merchants = LIMITS.keySet().toArray(String[]::new);
        for (int f = 0; f < files; f++) {
            StringBuilder csv = new StringBuilder("merchant_id,verification_id,campaign,email\n");
            for (int r = 0; r < rows; r++) {
                String id = "f" + f + "-" + r;
                String merchant = merchants[(f + r) % merchants.length];
                csv.append(merchant).append(',').append(id).append(",students,").append(id).append("@example.com\n");
                expected.add(id + "@example.com");
            }
            // written under a temporary name, then renamed into place: whole when it appears
            Path part = inbox.resolve("batch-" + f + ".csv.part");
            Files.writeString(part, csv, StandardCharsets.UTF_8);
            Files.move(part, inbox.resolve("batch-" + f + ".csv"));
            if (f == files / 3) {
                await().atMost(Duration.ofSeconds(60)).until(() -> doneFiles() >= 4);
                bridges.get(2).kill();
            }
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> doneFiles() == files);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> statusesInDatabase().keySet().equals(Set.of("DELIVERED")));
        assertAwardedOnceWithinRates(expected, files * rows);

        Map<String, List<Integer>> readers = new HashMap<>();
        for (int b = 0; b < logs.size(); b++) {
            for (String line : linesIn(logs.get(b), "File drop: reading")) {
                Matcher m = READING.matcher(line);
                if (m.find()) {
                    readers.computeIfAbsent(m.group(1), name -> new ArrayList<>()).add(b);
                }
            }
        }
        assertThat(readers).as("every file was read").hasSize(files);
        // a survivor reads a file again only if the killed instance was reading it; never two survivors
        readers.forEach((file, by) -> {
            long survivors = by.stream().filter(b -> b != 2).count();
            assertThat(survivors).as("survivors that read %s (%s)", file, by).isLessThanOrEqualTo(1);
            assertThat(by).as("instances that read %s", file).hasSize(by.contains(2) ? (int) survivors + 1 : 1);
        });
        // an instance reads one file at a time: only the one it was reading when killed is read twice
        assertThat(readers.values().stream().filter(by -> by.size() > 1).count()).as("files read twice").isLessThanOrEqualTo(2);
        assertThat(readers.values().stream().map(by -> by.get(0)).distinct().count()).as("the instances shared the files")
                .isGreaterThanOrEqualTo(2);
    }

    /** A webhook is sent to one instance, and to the next while it is not acknowledged (as Gocertify retries). */
    private void sendUntilAcknowledged(int i, Set<String> acknowledged) {
        String merchant = i % 10 < 5 ? "north" : i % 10 < 8 ? "south" : "west";
        String json = "{\"verification_id\":\"w-" + i + "\",\"campaign\":\"students\",\"email\":\"w" + i + "@example.com\"}";
        for (int attempt = 0; attempt < 20; attempt++) {
            BridgeProcess bridge = bridges.get((i + attempt) % bridges.size());
            try {
                int status = bridge.client().postSigned(merchant, SECRET, json).statusCode();
                if (status == 202 || status == 200) {
                    acknowledged.add("w" + i + "@example.com");
                    return;
                }
            } catch (RuntimeException e) {
                // that instance is gone: the next one
            }
        }
    }

    private void assertAwardedOnceWithinRates(Set<String> acknowledged, int total) throws SQLException {
        Map<String, Long> awardsPerEmail = new HashMap<>();
        yotpo.received().forEach(action -> awardsPerEmail.merge(action.email(), 1L, Long::sum));
        assertThat(awardsPerEmail.entrySet().stream().filter(e -> e.getValue() != 1).toList())
                .as("verifications awarded more than once").isEmpty();
        assertThat(awardsPerEmail.keySet()).containsAll(acknowledged);
        assertThat(statusesInDatabase()).containsExactly(Map.entry("DELIVERED", total));
        for (Map.Entry<String, Integer> merchant : LIMITS.entrySet()) {
            assertThat(yotpo.busiestSecond(guid(merchant.getKey())))
                    .as("busiest second of %s (limit %d)", merchant.getKey(), merchant.getValue())
                    .isBetween(1, merchant.getValue());
        }
    }

    private void startInstances(int count) throws Exception {
        ExecutorService starting = Executors.newFixedThreadPool(count);
        List<Future<BridgeProcess>> started = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            Path log = Files.createDirectories(Path.of("target", "process-logs"))
                    .resolve(getClass().getSimpleName() + "-" + System.nanoTime() + "-instance" + b + ".log");
            logs.add(log);
            started.add(starting.submit(() -> BridgeProcess.start(db, yotpo.baseUrl(), log, settings())));
        }
        for (Future<BridgeProcess> bridge : started) {
            bridges.add(bridge.get(120, TimeUnit.SECONDS));
        }
        starting.shutdown();
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("bridge.db.user", "postgres");
        settings.put("bridge.hawtio.enabled", "false");
        settings.put("bridge.data-dir", dir.resolve("data").toString());
        settings.put("bridge.delivery.poll-interval-ms", "100");
        settings.put("bridge.delivery.lease-seconds", "4");
        settings.put("bridge.delivery.history-delay-seconds", "1");
        settings.put("yotpo.response-timeout-ms", "2000");
        settings.put("bridge.inbox-dir", inbox.toString());
        settings.put("bridge.inbox.poll-ms", "200");
        settings.put("bridge.inbox.quiet-ms", "300");
        settings.put("bridge.inbox.claim-lease-seconds", "3");
        return settings;
    }

    private long doneFiles() throws IOException {
        Path done = inbox.resolve(".done");
        if (!Files.isDirectory(done)) {
            return 0;
        }
        try (var listing = Files.list(done)) {
            return listing.count();
        }
    }

    private static String guid(String merchant) {
        return "guid-" + merchant + "-000000000";
    }

    private static List<String> linesIn(Path log, String text) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> line.contains(text)).toList();
    }

    private Map<String, Integer> statusesInDatabase() throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        try (Connection c = DriverManager.getConnection(db, "postgres", "");
                ResultSet rows = c.createStatement().executeQuery("SELECT status, COUNT(*) FROM verification GROUP BY status")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getInt(2));
            }
        }
        return counts;
    }
}
