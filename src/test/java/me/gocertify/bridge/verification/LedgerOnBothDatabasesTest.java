package me.gocertify.bridge.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.zaxxer.hikari.HikariDataSource;
import me.gocertify.bridge.delivery.MerchantRateLimiter;
import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.WebhookAuth;
import me.gocertify.bridge.store.Database;
import me.gocertify.bridge.store.Jdbc;
import me.gocertify.bridge.store.StoreUnavailable;
import me.gocertify.bridge.support.PostgresServer;

/**
 * The ledger and the rate slots on each database the bridge supports: the same migrations, the
 * same SQL, the same once-only claims (contract 8).
 */
class LedgerOnBothDatabasesTest {

    static final Merchant ACME = new Merchant("acme", "api-key-0123456789", "guid-0123456789", "whsec_x",
            WebhookAuth.SIGNATURE, true, Map.of(), 5, null);

    @TempDir
    Path dir;

    HikariDataSource dataSource;
    Jdbc jdbc;
    List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        dataSource.close();
    }

    private Ledger open(String database, Duration lease) {
        String url = database.equals("h2") ? "jdbc:h2:file:" + dir.resolve("bridge").toAbsolutePath()
                : PostgresServer.shared().newDatabase();
        dataSource = Database.open(url, database.equals("h2") ? "bridge" : "postgres", "", 10);
        jdbc = new Jdbc(dataSource);
        jdbc.update("INSERT INTO merchant (merchant_id, yotpo_api_key, yotpo_guid, webhook_secret, webhook_auth, enabled,"
                + " action_overrides, rate_limit_per_second, updated_at) VALUES ('acme', 'k', 'g', 's', 'SIGNATURE', TRUE, '{}', 5,"
                + " CURRENT_TIMESTAMP)");
        return new Ledger(jdbc, Clock.systemUTC(), lease, 2, outcomes::add);
    }

    private static VerificationEvent event(String id, boolean verified) {
        return new VerificationEvent("acme", id, "students", id + "@example.com", Instant.parse("2026-11-25T10:15:30Z"), verified);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void recordsOnceAndClaimsOnce(String database) {
        Ledger ledger = open(database, Duration.ofSeconds(30));
        assertThat(ledger.recordOnce(event("v-1", true), ACME).result()).isEqualTo(Recorded.Result.ACCEPTED);
        assertThat(ledger.recordOnce(event("v-1", true), ACME).result()).isEqualTo(Recorded.Result.DUPLICATE);
        assertThat(ledger.recordOnce(event("v-2", false), ACME).result()).isEqualTo(Recorded.Result.IGNORED);

        Optional<Delivery> claimed = ledger.claim("acme", "v-1");
        assertThat(claimed).get().satisfies(d -> {
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.verifiedAt()).isEqualTo(Instant.parse("2026-11-25T10:15:30Z"));
            assertThat(d.checkFirst()).isFalse();
        });
        assertThat(ledger.claim("acme", "v-1")).as("claimed already").isEmpty();
        assertThat(ledger.claim("acme", "v-2")).as("ignored ones are never sent").isEmpty();
        assertThat(ledger.countsByStatus("acme")).as("one being sent shows as pending")
                .isEqualTo(Map.of("PENDING", 1, "IGNORED", 1));
        ledger.delivered(claimed.get(), "gocertify-students", null);
        assertThat(ledger.view("acme", "v-1")).get().satisfies(view -> assertThat(view.get("status")).isEqualTo("DELIVERED"));
        assertThat(ledger.countsByStatus("acme")).isEqualTo(Map.of("DELIVERED", 1, "IGNORED", 1));
        assertThat(ledger.countsByStatus("nobody")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aBatchIsRecordedInOrderAndWholeOrNotAtAll(String database) {
        Ledger ledger = open(database, Duration.ofSeconds(30));
        ledger.recordOnce(event("b-1", true), ACME);
        VerificationEvent first = event("b-2", true);
        VerificationEvent sameIdOtherEmail = new VerificationEvent("acme", "b-2", "students", "other@example.com",
                first.verifiedAt(), true);

        // a duplicate within the batch or of an earlier row does not end the transaction (it would on PostgreSQL)
        assertThat(ledger.recordAll(List.of(new Admitted(event("b-1", true), ACME), new Admitted(first, ACME),
                new Admitted(sameIdOtherEmail, ACME), new Admitted(event("b-3", false), ACME), new Admitted(event("b-4", true), ACME))))
                .extracting(Recorded::result).containsExactly(Recorded.Result.DUPLICATE, Recorded.Result.ACCEPTED,
                        Recorded.Result.DUPLICATE, Recorded.Result.IGNORED, Recorded.Result.ACCEPTED);
        assertThat(jdbc.query("SELECT email FROM verification WHERE verification_id = 'b-2'", row -> row.getString(1)))
                .as("the first of the two is recorded").containsExactly("b-2@example.com");

        // one record the store refuses (an id longer than its column): none of the batch is recorded
        assertThat(catchThrowable(() -> ledger.recordAll(List.of(
                new Admitted(event("b-5", true), ACME), new Admitted(event("b-".repeat(100), true), ACME)))))
                .isInstanceOf(StoreUnavailable.class);
        assertThat(ledger.view("acme", "b-5")).isEmpty();
        assertThat(ledger.countsByStatus("acme")).containsEntry("PENDING", 3).containsEntry("IGNORED", 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void concurrentClaimersShareTheBacklogWithoutOverlap(String database) throws Exception {
        Ledger ledger = open(database, Duration.ofSeconds(30));
        for (int i = 0; i < 200; i++) {
            ledger.recordOnce(event("c-" + i, true), ACME);
        }
        ExecutorService claimers = Executors.newFixedThreadPool(4);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            results.add(claimers.submit((Callable<List<String>>) () -> {
                List<String> mine = new ArrayList<>();
                for (List<Delivery> batch = claimSeven(ledger); !batch.isEmpty(); batch = claimSeven(ledger)) {
                    batch.forEach(d -> mine.add(d.verificationId()));
                }
                return mine;
            }));
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> result : results) {
            all.addAll(result.get());
        }
        claimers.shutdown();
        assertThat(all).hasSize(200).doesNotHaveDuplicates();
        assertThat(ledger.merchantsWithDue()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void onePassClaimsForSeveralMerchantsEachUpToItsLimit(String database) {
        Ledger ledger = open(database, Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            ledger.recordOnce(event("a-" + i, true), ACME);
        }
        for (int i = 0; i < 3; i++) {
            ledger.recordOnce(new VerificationEvent("bolt", "b-" + i, "students", "b" + i + "@example.com",
                    Instant.parse("2026-11-25T10:15:30Z"), true), ACME);
        }
        Map<String, Integer> limits = new java.util.LinkedHashMap<>();
        limits.put("acme", 2);
        limits.put("bolt", 10);
        limits.put("nobody", 3);

        Map<String, List<Delivery>> first = ledger.claimDue(limits);
        assertThat(first).containsOnlyKeys("acme", "bolt");
        assertThat(first.get("acme")).hasSize(2).allSatisfy(d -> {
            assertThat(d.merchantId()).isEqualTo("acme");
            assertThat(d.attempts()).isEqualTo(1);
        });
        assertThat(first.get("bolt")).extracting(Delivery::verificationId).containsExactlyInAnyOrder("b-0", "b-1", "b-2");
        assertThat(jdbc.query("SELECT status FROM verification WHERE merchant_id = 'bolt'", row -> row.getString(1)))
                .containsOnly("SENDING");

        Map<String, List<Delivery>> second = ledger.claimDue(Map.of("acme", 10, "bolt", 10));
        assertThat(second).containsOnlyKeys("acme");
        List<String> acme = new ArrayList<>();
        first.get("acme").forEach(d -> acme.add(d.verificationId()));
        second.get("acme").forEach(d -> acme.add(d.verificationId()));
        assertThat(acme).containsExactlyInAnyOrder("a-0", "a-1", "a-2", "a-3", "a-4");
        assertThat(ledger.merchantsWithDue()).isEmpty();
    }

    private static List<Delivery> claimSeven(Ledger ledger) {
        return ledger.claimDue(Map.of("acme", 7)).getOrDefault("acme", List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anExpiredLeaseTurnsUnknownAndTheStaleAttemptCannotSettleTheNewOne(String database) {
        Ledger ledger = open(database, Duration.ofMillis(300));
        ledger.recordOnce(event("l-1", true), ACME);
        Delivery first = ledger.claim("acme", "l-1").orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> ledger.expireLeases() == 1);
        assertThat(ledger.view("acme", "l-1").orElseThrow().get("status")).isEqualTo("UNKNOWN");

        Delivery second = ledger.claim("acme", "l-1").orElseThrow();
        assertThat(second.checkFirst()).as("Yotpo's history is asked first").isTrue();
        ledger.failed(first, "the first attempt's late answer");
        assertThat(ledger.view("acme", "l-1").orElseThrow().get("status")).as("still the second attempt's").isEqualTo("PENDING");
        ledger.delivered(second, "gocertify-students", "confirmed from Yotpo's customer history");
        assertThat(ledger.view("acme", "l-1").orElseThrow().get("status")).isEqualTo("DELIVERED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void unreadableHistoryIsAskedAgainThenLeftToAnOperator(String database) {
        Ledger ledger = open(database, Duration.ofSeconds(30));
        ledger.recordOnce(event("u-1", true), ACME);
        ledger.unknown(ledger.claim("acme", "u-1").orElseThrow(), "timeout", Instant.now().minusSeconds(1));
        ledger.stillUnknown(ledger.claim("acme", "u-1").orElseThrow(), "history unreadable", Instant.now().minusSeconds(1));
        ledger.stillUnknown(ledger.claim("acme", "u-1").orElseThrow(), "history unreadable", Instant.now().minusSeconds(1));
        assertThat(ledger.claim("acme", "u-1")).as("checks ran out: no next attempt").isEmpty();
        assertThat(ledger.deadLetters("acme")).singleElement().satisfies(item -> assertThat(item.get("status")).isEqualTo("UNKNOWN"));
        assertThat(ledger.replay("acme", null)).isEqualTo(1);
        assertThat(ledger.claim("acme", "u-1")).get().satisfies(d -> assertThat(d.checkFirst()).isTrue());
    }

    /**
     * The slots as rows on each database (two instances sharing them), and in memory as on an embedded
     * H2 (one process, so one limiter; no rate_slot row is written).
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql", "h2, slots in memory"})
    void rateSlotsAreHeldUntilAWindowPastTheAnswer(String slots) {
        MerchantRateLimiter limiter = limiter(slots, Duration.ofMillis(700));
        MerchantRateLimiter otherInstance = inMemory(slots) ? limiter
                : new MerchantRateLimiter(jdbc, Duration.ofMillis(700), Duration.ofSeconds(30));
        MerchantRateLimiter.Permit first = limiter.tryAcquire("acme", 2);
        MerchantRateLimiter.Permit second = otherInstance.tryAcquire("acme", 2);
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(limiter.tryAcquire("acme", 2)).as("both slots held, whichever instance asks").isNull();

        second.cancel();
        MerchantRateLimiter.Permit third = otherInstance.tryAcquire("acme", 2);
        assertThat(third).as("a cancelled permit frees its slot at once").isNotNull();

        long finishedAt = System.nanoTime();
        first.finished();
        assertThat(first.finished()).as("a call is over once").isFalse();
        assertThat(limiter.tryAcquire("acme", 2)).as("held for the window after the answer").isNull();
        awaitFreeSlot(limiter, 2);
        assertThat((System.nanoTime() - finishedAt) / 1_000_000).isGreaterThanOrEqualTo(650);

        third.finished();
        limiter.pauseFor("acme", Duration.ofSeconds(60));
        // refused throughout, past the window of the slot finished last: the 429 pauses the merchant on every instance
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> otherInstance.tryAcquire("acme", 2) == null);
        if (inMemory(slots)) {
            assertThat(jdbc.query("SELECT COUNT(*) FROM rate_slot", row -> row.getInt(1))).containsExactly(0);
        }
    }

    /** The slots as rows on each database, and in memory as on an embedded H2 (once a new process's first window is over). */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql", "h2, slots in memory"})
    void aLoweredLimitWaitsForTheHigherSlotsToRunOut(String slots) {
        MerchantRateLimiter limiter = limiter(slots, Duration.ofMillis(500));
        List<MerchantRateLimiter.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            permits.add(limiter.tryAcquire("acme", 3));
        }
        assertThat(permits).doesNotContainNull();
        permits.get(0).cancel();
        assertThat(limiter.tryAcquire("acme", 1)).as("two calls still hold slots above the new limit of 1").isNull();
        permits.get(1).cancel();
        permits.get(2).cancel();
        assertThat(limiter.tryAcquire("acme", 1)).isNotNull();
        assertThat(limiter.tryAcquire("acme", 1)).isNull();
    }

    private static boolean inMemory(String slots) {
        return slots.endsWith("in memory");
    }

    /** A store opened for {@code slots}, and its limiter; one in memory is past the window a new process starts with. */
    private MerchantRateLimiter limiter(String slots, Duration window) {
        open(slots.startsWith("h2") ? "h2" : slots, Duration.ofSeconds(30));
        if (!inMemory(slots)) {
            return new MerchantRateLimiter(jdbc, window, Duration.ofSeconds(30));
        }
        MerchantRateLimiter limiter = MerchantRateLimiter.inMemory(jdbc, window, Duration.ofSeconds(30));
        awaitFreeSlot(limiter, 3);
        return limiter;
    }

    /** Waits until a permit can be had under {@code limit} (it is given back at once). */
    private static void awaitFreeSlot(MerchantRateLimiter limiter, int limit) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            MerchantRateLimiter.Permit permit = limiter.tryAcquire("acme", limit);
            if (permit != null) {
                permit.cancel();
            }
            return permit != null;
        });
    }

    /**
     * A claim reads the one row it claims, however long the merchant's back-log, even on a new H2
     * store whose statistics know nothing yet (H2 then planned the claim with the due index and read
     * every due row of the merchant).
     */
    @org.junit.jupiter.api.Test
    void aClaimReadsOneRowHoweverLongTheBacklog() {
        Ledger ledger = open("h2", Duration.ofSeconds(30));
        for (int i = 0; i < 500; i++) {
            ledger.recordOnce(event("v-" + i, true), ACME);
        }
        String plan = String.join("\n", jdbc.query("EXPLAIN ANALYZE " + ledger.claimStatement(), row -> row.getString(1),
                "acme", "v-250"));
        java.util.regex.Matcher scanned = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
        assertThat(scanned.find()).as(plan).isTrue();
        assertThat(Integer.parseInt(scanned.group(1))).as(plan).isLessThanOrEqualTo(2); // the row, and the end of the range
        assertThat(ledger.claim("acme", "v-499")).isPresent();
    }
}
