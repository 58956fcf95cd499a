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
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import me.gocertify.bridge.support.BridgeProcess;
import me.gocertify.bridge.support.PostgresServer;
import me.gocertify.bridge.support.YotpoSimulator;

/**
 * Contract 8: three bridge JVMs on one PostgreSQL share the work: thousands of webhooks spread over
 * them and files dropped into one inbox folder they share. One is killed with SIGKILL mid-run, while
 * calls of its own are on their way to Yotpo. Still every acknowledged verification is awarded
 * exactly once (its interrupted calls are taken up by the others once their lease has run out, and
 * settled from Yotpo's history, not sent again), no merchant's calls ever exceed its rate in any
 * sliding second (counted by what Yotpo received), and each inbox file is read by one instance (a
 * file the killed one was reading, by one other after it).
 *
 * <p>The machine may be busy (2 cores shared with other builds): every wait is for progress, so a
 * slow run finishes and a stuck one fails once nothing has moved for {@link #STALL}. Each line of
 * progress in the test's output shows the machine's load and the CPU time each bridge has used.
 */
@Tag("multi-instance")
class SeveralInstancesTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /** merchant -> rate_limit_per_second once raised (1 while the work comes in, so a back-log far above each builds). */
    static final Map<String, Integer> LIMITS = Map.of("north", 40, "south", 25, "west", 15);
    static final int WEBHOOKS = 2000;
    /**
     * Inbox files of {@link #ROWS} records each, one for every {@link #ACKS_PER_FILE} webhooks
     * acknowledged while fewer than two wait in the inbox, until the kill (at most {@link #MAX_FILES}),
     * then {@link #FILES_AFTER_KILL} more.
     */
    static final int ROWS = 20;
    static final int ACKS_PER_FILE = 40;
    static final int MAX_FILES = WEBHOOKS / ACKS_PER_FILE;
    static final int FILES_AFTER_KILL = 5;
    static final int SENDERS = 8;
    /** The instance that is killed; it reaches Yotpo through {@link #SLOW_LINK}. */
    static final int VICTIM = 1;
    /** A wait fails when what it waits for has not moved for this long... */
    static final Duration STALL = Duration.ofSeconds(60);
    /** ...or when it has not arrived after this long in all. */
    static final Duration CAP = Duration.ofMinutes(5);
    /** Instance 1 reaches Yotpo through this link, whose answers take a while: it always has calls on the way. */
    static final String SLOW_LINK = "/slow-link";
    static final int SLOW_LINK_MILLIS = 2000;
    /** A claim's lease (renewed just before its call): above the response timeout plus the slow link. */
    static final int LEASE_SECONDS = 8;
    static final Pattern READING = Pattern.compile("File drop: reading (\\S+)");

    @TempDir
    Path dir;

    YotpoSimulator yotpo;
    String db;
    Path inbox;
    final List<BridgeProcess> bridges = new ArrayList<>();
    final List<Path> logs = new ArrayList<>();
    final long started = System.nanoTime();

    @BeforeEach
    void start() throws Exception {
        yotpo = new YotpoSimulator();
        yotpo.answerActions(aResponse().withStatus(200).withBody("{}").withFixedDelay(15));
        yotpo.answerActionsVia(SLOW_LINK, aResponse().withStatus(200).withBody("{}").withFixedDelay(SLOW_LINK_MILLIS));
        db = PostgresServer.shared().newDatabase();
        inbox = Files.createDirectories(dir.resolve("inbox"));
        startInstances(3);
        progress("three instances ready");
    }

    @AfterEach
    void stop() {
        bridges.forEach(BridgeProcess::close);
        yotpo.stop();
        progress("stopped");
    }

    /**
     * Webhooks and inbox files at once, spread over three instances; instance 1 is killed once a
     * third of the webhooks are acknowledged, while a call of its own is on its way to Yotpo and
     * (unless the files ran out first) while it reads a file. The
     * merchants are held at 1 call a second while the work comes in, so a back-log builds however
     * fast or slow this machine is, and then raised: the back-log drains at the limits, which bind.
     */
    @Test
    void threeInstancesShareWebhooksAndOneInboxWhileOneIsKilledMidFlight() throws Exception {
        putMerchants(limit -> 1);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> unanswered = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS + 1);
        List<Future<?>> sending = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            sending.add(senders.submit(() -> {
                for (int i = next.getAndIncrement(); i < WEBHOOKS; i = next.getAndIncrement()) {
                    sendUntilAcknowledged(i, acknowledged, unanswered, answers);
                }
            }));
        }
        // the files come in while the webhooks do, and until the kill, so the instances read files at any moment
        Set<String> inFiles = ConcurrentHashMap.newKeySet();
        AtomicInteger dropped = new AtomicInteger();
        AtomicInteger wanted = new AtomicInteger(MAX_FILES);
        Future<?> dropping = senders.submit(() -> {
            while (dropped.get() < wanted.get()) {
                await("room in the inbox").atMost(CAP).pollInterval(Duration.ofMillis(50))
                        .until(() -> waitingFiles() < 2 && acknowledged.size() >= dropped.get() * ACKS_PER_FILE);
                inFiles.addAll(dropFile(dropped.get()));
                dropped.incrementAndGet();
            }
            return null;
        });
        awaitProgress("webhooks acknowledged, before the kill", acknowledged::size, WEBHOOKS / 3, answers::toString);

        // killed mid-flight: while a call of instance 1 that reached Yotpo less than 0.5 s ago waits for
        // its answer (its link answers after 2 s), and while it reads a file
        Set<String> readingAtKill = new HashSet<>();
        await("instance 1 with a call on its way and reading a file").atMost(CAP).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    long recently = System.nanoTime() - 500_000_000L;
                    if (yotpo.received().stream().noneMatch(call -> call.link().equals(SLOW_LINK) && call.arrivedNanos() > recently)) {
                        return false;
                    }
                    String file = readingNow(VICTIM);
                    if (file == null && dropped.get() < MAX_FILES) {
                        return false;
                    }
                    bridges.get(VICTIM).kill();
                    wanted.set(Math.min(MAX_FILES, dropped.get() + FILES_AFTER_KILL));
                    if (file != null) {
                        readingAtKill.add(file);
                    }
                    return true;
                });
        Map<String, Claim> orphans = inFlightVia(SLOW_LINK);
        readingAtKill.removeIf(file -> !Files.exists(inbox.resolve(file))); // it was finished as the kill came
        progress("instance 1 killed with " + orphans.size() + " calls on their way to Yotpo, reading " + readingAtKill);
        assertThat(orphans).as("claims of the killed instance, their calls received by Yotpo, their answers never read")
                .isNotEmpty();

        awaitProgress("webhooks acknowledged", acknowledged::size, WEBHOOKS, answers::toString);
        for (Future<?> f : sending) {
            f.get(10, TimeUnit.SECONDS); // all acknowledged: the senders are done
        }
        assertThat(unanswered).as("webhooks that no instance acknowledged in 30 tries").isEmpty();
        assertThat(acknowledged).as("Gocertify retries on another instance until acknowledged").hasSize(WEBHOOKS);
        dropping.get(CAP.toSeconds(), TimeUnit.SECONDS);
        senders.shutdown();
        int files = dropped.get();
        awaitProgress("files done", () -> (int) doneFiles(), files, () -> "");

        int total = WEBHOOKS + files * ROWS;
        Map<String, Integer> backlog = dueByMerchant();
        progress("back-log " + backlog + " before the limits are raised to " + LIMITS);
        LIMITS.forEach((merchant, limit) -> assertThat(backlog.getOrDefault(merchant, 0))
                .as("verifications of %s waiting when its limit is raised (the limit binds)", merchant).isGreaterThan(5 * limit));
        putMerchants(limit -> limit);
        awaitProgress("verifications delivered", () -> statusesInDatabase().getOrDefault("DELIVERED", 0), total,
                () -> statusesInDatabase().toString());

        Set<String> expected = new HashSet<>(acknowledged);
        expected.addAll(inFiles);
        assertAwardedOnceWithinRates(expected, total);
        assertTakenUpAfterTheirLease(orphans);
        assertEachFileReadByOne(files, readingAtKill);
    }

    /** Every merchant, with the given rate limit for each one's limit in {@link #LIMITS}. */
    private void putMerchants(java.util.function.IntUnaryOperator limit) {
        for (Map.Entry<String, Integer> merchant : LIMITS.entrySet()) {
            assertThat(bridges.get(0).client().putMerchant(merchant.getKey(), "{\"yotpo_api_key\":\"api-key-" + merchant.getKey()
                    + "-0000000\",\"yotpo_guid\":\"" + guid(merchant.getKey()) + "\",\"webhook_secret\":\"" + SECRET
                    + "\",\"rate_limit_per_second\":" + limit.applyAsInt(merchant.getValue()) + "}").statusCode()).isEqualTo(200);
        }
    }

    /** A CSV of {@link #ROWS} records, written under a temporary name and renamed into place (whole when it appears); its emails. */
    private Set<String> dropFile(int f) throws IOException {
        Set<String> emails = new HashSet<>();
        StringBuilder csv = new StringBuilder("merchant_id,verification_id,campaign,email\n");
        for (int r = 0; r < ROWS; r++) {
            String id = "f" + f + "-" + r;
            csv.append(merchantOf(f * ROWS + r)).append(',').append(id).append(",students,").append(id).append("@example.com\n");
            emails.add(id + "@example.com");
        }
        Path part = inbox.resolve("batch-" + f + ".csv.part");
        Files.writeString(part, csv, StandardCharsets.UTF_8);
        Files.move(part, inbox.resolve("batch-" + f + ".csv"));
        return emails;
    }

    /**
     * Each file was read by one instance, or, the one the killed instance was reading when it died,
     * by it and then by one survivor (the claim's lease ran out); and the instances shared the files.
     */
    private void assertEachFileReadByOne(int files, Set<String> readingAtKill) throws IOException {
        Map<String, List<Integer>> readers = new HashMap<>();
        for (int b = 0; b < logs.size(); b++) {
            for (String line : linesIn(logs.get(b), "File drop: reading")) {
                Matcher m = READING.matcher(line);
                if (m.find()) {
                    readers.computeIfAbsent(m.group(1), name -> new ArrayList<>()).add(b);
                }
            }
        }
        progress("files read again by a survivor: " + readers.entrySet().stream().filter(e -> e.getValue().size() > 1).toList());
        assertThat(readers).as("every file was read").hasSize(files);
        readingAtKill.forEach(file -> assertThat(readers.get(file)).as("instances that read %s, the killed one's file", file)
                .hasSize(2).contains(VICTIM));
        readers.forEach((file, by) -> {
            long survivors = by.stream().filter(b -> b != VICTIM).count();
            assertThat(survivors).as("survivors that read %s (%s)", file, by).isLessThanOrEqualTo(1);
            assertThat(by).as("instances that read %s", file).hasSize(by.contains(VICTIM) ? (int) survivors + 1 : 1);
        });
        // an instance reads one file at a time: only the one it was reading when killed is read twice
        assertThat(readers.values().stream().filter(by -> by.size() > 1).count()).as("files read twice").isLessThanOrEqualTo(1);
        assertThat(readers.values().stream().map(by -> by.get(0)).distinct().count()).as("the instances shared the files")
                .isGreaterThanOrEqualTo(2);
    }

    /**
     * A webhook is sent to one instance, and to the next while it is not acknowledged (as Gocertify
     * retries); one no instance acknowledged in 30 tries is noted, never dropped silently.
     */
    private void sendUntilAcknowledged(int i, Set<String> acknowledged, Set<String> unanswered, Map<String, AtomicInteger> answers) {
        String merchant = merchantOf(i);
        String email = "w" + i + "@example.com";
        String json = "{\"verification_id\":\"w-" + i + "\",\"campaign\":\"students\",\"email\":\"" + email + "\"}";
        for (int attempt = 0; attempt < 30; attempt++) {
            BridgeProcess bridge = bridges.get((i + attempt) % bridges.size());
            String answer;
            try {
                int status = bridge.client().postSigned(merchant, SECRET, json).statusCode();
                answer = String.valueOf(status);
                if (status == 202 || status == 200) {
                    acknowledged.add(email);
                    answers.computeIfAbsent(answer, a -> new AtomicInteger()).incrementAndGet();
                    return;
                }
            } catch (RuntimeException e) {
                answer = "no answer"; // that instance is gone (or too busy): the next one
            }
            answers.computeIfAbsent(answer, a -> new AtomicInteger()).incrementAndGet();
        }
        unanswered.add(email);
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

    /** A verification claimed for an attempt (SENDING): when its lease ends and how many attempts it had. */
    record Claim(String email, Instant leaseUntil, int attempts) {
    }

    /**
     * First attempts whose calls came to Yotpo through the given link and are not settled yet. Only the
     * instance on that link sends through it, and any later claim of a row counts another attempt, so
     * these claims are that instance's.
     */
    private Map<String, Claim> inFlightVia(String link) throws SQLException {
        Set<String> sent = yotpo.received().stream().filter(action -> action.link().equals(link))
                .map(YotpoSimulator.Action::email).collect(Collectors.toSet());
        Map<String, Claim> claims = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(db, "postgres", "");
                ResultSet rows = c.createStatement().executeQuery(
                        "SELECT verification_id, email, lease_until, attempts FROM verification WHERE status = 'SENDING' AND attempts = 1")) {
            while (rows.next()) {
                if (sent.contains(rows.getString("email"))) {
                    claims.put(rows.getString("verification_id"), new Claim(rows.getString("email"),
                            rows.getTimestamp("lease_until").toInstant(), rows.getInt("attempts")));
                }
            }
        }
        return claims;
    }

    /**
     * The killed instance's claims were settled by another instance, only after their lease ended,
     * from Yotpo's history (their calls had arrived), with no second call.
     */
    private void assertTakenUpAfterTheirLease(Map<String, Claim> orphans) throws SQLException {
        try (Connection c = DriverManager.getConnection(db, "postgres", "")) {
            for (Map.Entry<String, Claim> orphan : orphans.entrySet()) {
                try (var query = c.prepareStatement(
                        "SELECT status, attempts, last_error, delivered_at FROM verification WHERE verification_id = ?")) {
                    query.setString(1, orphan.getKey());
                    try (ResultSet row = query.executeQuery()) {
                        assertThat(row.next()).isTrue();
                        String what = "the killed instance's claim of " + orphan.getKey();
                        assertThat(row.getString("status")).as(what).isEqualTo("DELIVERED");
                        assertThat(row.getInt("attempts")).as(what + ": attempts, taken up again").isGreaterThan(orphan.getValue().attempts());
                        assertThat(row.getString("last_error")).as(what).isEqualTo("confirmed from Yotpo's customer history");
                        Timestamp delivered = row.getTimestamp("delivered_at");
                        assertThat(delivered.toInstant()).as(what + ": settled after its lease").isAfterOrEqualTo(orphan.getValue().leaseUntil());
                    }
                }
                assertThat(yotpo.receivedFor(orphan.getValue().email())).as("calls to Yotpo for " + orphan.getKey()).isEqualTo(1);
            }
        }
    }

    /**
     * Waits until {@code progress} reaches {@code target}. Fails when it has not moved for
     * {@link #STALL}, or has not arrived within {@link #CAP}; reports how it goes every 5 s.
     */
    private void awaitProgress(String what, Callable<Integer> progress, int target, Callable<String> detail) {
        AtomicInteger last = new AtomicInteger(-1);
        AtomicLong lastMoved = new AtomicLong(System.nanoTime());
        AtomicLong lastReport = new AtomicLong();
        long since = System.nanoTime();
        await(what).atMost(CAP).pollInterval(Duration.ofMillis(200)).until(() -> {
            int now = progress.call();
            long at = System.nanoTime();
            if (now != last.getAndSet(now)) {
                lastMoved.set(at);
            }
            if (now >= target || at - lastReport.get() >= 5_000_000_000L) {
                lastReport.set(at);
                progress(String.format("%s: %d of %d after %d s %s", what, now, target, (at - since) / 1_000_000_000L, detail.call()));
            }
            if (now < target && at - lastMoved.get() > STALL.toNanos()) {
                throw new AssertionError(what + ": stuck at " + now + " of " + target + " for " + STALL.toSeconds() + " s; "
                        + detail.call());
            }
            return now >= target;
        });
    }

    /** A line in the test's output: seconds since the test began, the machine's load, what happened. */
    private void progress(String message) {
        String load = "";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            // not Linux: no load shown
        }
        // CPU seconds each bridge JVM has used so far (where the machine's time went)
        String cpu = bridges.stream().map(bridge -> ProcessHandle.of(bridge.pid()).flatMap(h -> h.info().totalCpuDuration())
                .map(d -> String.format("%.1f", d.toMillis() / 1000.0)).orElse("-")).collect(Collectors.joining(" "));
        System.out.printf("[%s %5.1f s, load %s, bridges' CPU s: %s] %s%n", getClass().getSimpleName(),
                (System.nanoTime() - started) / 1e9, load, cpu, message);
    }

    private void startInstances(int count) throws Exception {
        ExecutorService starting = Executors.newFixedThreadPool(count);
        List<Future<BridgeProcess>> pending = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            Path log = Files.createDirectories(Path.of("target", "process-logs"))
                    .resolve(getClass().getSimpleName() + "-" + System.nanoTime() + "-instance" + b + ".log");
            logs.add(log);
            String yotpoUrl = b == VICTIM ? yotpo.baseUrl(SLOW_LINK) : yotpo.baseUrl();
            pending.add(starting.submit(() -> BridgeProcess.start(db, yotpoUrl, log, settings())));
        }
        for (Future<BridgeProcess> bridge : pending) {
            bridges.add(bridge.get(5, TimeUnit.MINUTES)); // each start has its own cap
        }
        starting.shutdown();
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("bridge.db.user", "postgres");
        settings.put("bridge.hawtio.enabled", "false");
        settings.put("bridge.data-dir", dir.resolve("data").toString());
        settings.put("bridge.delivery.poll-interval-ms", "100");
        settings.put("bridge.delivery.lease-seconds", String.valueOf(LEASE_SECONDS));
        settings.put("bridge.delivery.history-delay-seconds", "1");
        // a loaded machine can hold an answer up for seconds: that is no Yotpo outage to stop calls for
        settings.put("yotpo.response-timeout-ms", "5000");
        settings.put("yotpo.breaker.wait-seconds-in-open-state", "5");
        settings.put("bridge.inbox-dir", inbox.toString());
        settings.put("bridge.inbox.poll-ms", "200");
        settings.put("bridge.inbox.quiet-ms", "300");
        settings.put("bridge.inbox.claim-lease-seconds", "3");
        return settings;
    }

    /** Files in the inbox, not yet moved to .done or .failed (being read, or waiting). */
    private long waitingFiles() throws IOException {
        try (var listing = Files.list(inbox)) {
            return listing.filter(file -> file.getFileName().toString().endsWith(".csv")).count();
        }
    }

    /** The file the instance is reading now (its last one still in the inbox), or null. */
    private String readingNow(int instance) throws IOException {
        List<String> lines = linesIn(logs.get(instance), "File drop: reading");
        if (lines.isEmpty()) {
            return null;
        }
        Matcher m = READING.matcher(lines.get(lines.size() - 1));
        return m.find() && Files.exists(inbox.resolve(m.group(1))) ? m.group(1) : null;
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

    /** Half of the work is north's, three tenths south's, a fifth west's. */
    private static String merchantOf(int i) {
        return i % 10 < 5 ? "north" : i % 10 < 8 ? "south" : "west";
    }

    /** Verifications not yet settled, by merchant. */
    private Map<String, Integer> dueByMerchant() throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(db, "postgres", "");
                ResultSet rows = c.createStatement().executeQuery("SELECT merchant_id, COUNT(*) FROM verification"
                        + " WHERE status IN ('PENDING', 'SENDING', 'UNKNOWN') GROUP BY merchant_id")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getInt(2));
            }
        }
        return counts;
    }

    private static String guid(String merchant) {
        return "guid-" + merchant + "-000000000";
    }

    private static List<String> linesIn(Path log, String text) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> line.contains(text)).toList();
    }

    private Map<String, Integer> statusesInDatabase() throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(db, "postgres", "");
                ResultSet rows = c.createStatement().executeQuery("SELECT status, COUNT(*) FROM verification GROUP BY status")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getInt(2));
            }
        }
        return counts;
    }
}
