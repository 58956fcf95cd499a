package me.gocertify.bridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;
import me.gocertify.bridge.store.Database;
import me.gocertify.bridge.store.Jdbc;

/**
 * The rate slots of an H2 store, kept in memory by its one process: what only they do. The rules they
 * share with the slot rows (held a window past the answer, a lowered limit, a pause) are checked on
 * both kinds, with no rate_slot row written in memory, in LedgerOnBothDatabasesTest.
 */
class InMemoryRateSlotsTest {

    static final Duration WINDOW = Duration.ofMillis(400);

    @TempDir
    Path dir;

    HikariDataSource dataSource;
    Jdbc jdbc;

    @BeforeEach
    void open() {
        dataSource = Database.open("jdbc:h2:file:" + dir.resolve("bridge").toAbsolutePath(), "bridge", "", 4);
        jdbc = new Jdbc(dataSource);
        jdbc.update("INSERT INTO merchant (merchant_id, yotpo_api_key, yotpo_guid, webhook_secret, webhook_auth, enabled,"
                + " action_overrides, rate_limit_per_second, updated_at) VALUES ('acme', 'k', 'g', 's', 'SIGNATURE', TRUE, '{}', 2,"
                + " CURRENT_TIMESTAMP)");
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    /** A limiter as a bridge makes it at start, past the one window its slots start taken for. */
    private MerchantRateLimiter started() {
        MerchantRateLimiter limiter = MerchantRateLimiter.inMemory(jdbc, WINDOW, Duration.ofSeconds(30));
        awaitFreeSlot(limiter);
        return limiter;
    }

    /** Waits until a permit can be had (it is given back at once). */
    private static void awaitFreeSlot(MerchantRateLimiter limiter) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
            MerchantRateLimiter.Permit permit = limiter.tryAcquire("acme", 2);
            if (permit != null) {
                permit.cancel();
            }
            return permit != null;
        });
    }

    @Test
    void theOutcomeIsCommittedAndTheWindowStartsAfterIt() {
        MerchantRateLimiter limiter = started();
        List<MerchantRateLimiter.Permit> permits = limiter.tryAcquire("acme", 2, 5);
        assertThat(permits).as("no more than the limit, however many are wanted").hasSize(2);

        long before = System.nanoTime();
        int written = permits.get(0).finishedWith(c -> Jdbc.update(c, "UPDATE merchant SET enabled = FALSE WHERE merchant_id = 'acme'"));
        assertThat(written).isEqualTo(1);
        assertThat(jdbc.query("SELECT enabled FROM merchant", row -> row.getBoolean(1))).containsExactly(false);
        assertThat(permits.get(0).finished()).as("finishedWith counts the call as over").isTrue();
        permits.get(1).cancel();

        assertThat(limiter.tryAcquire("acme", 2, 2)).as("the other slot only: the first is in its window").hasSize(1);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> !limiter.tryAcquire("acme", 2, 1).isEmpty());
        assertThat((System.nanoTime() - before) / 1_000_000).isGreaterThanOrEqualTo(WINDOW.toMillis() - 20);
    }

    @Test
    void aPermitWhoseSlotWasAbandonedAndTakenAgainReleasesNothing() {
        MerchantRateLimiter limiter = MerchantRateLimiter.inMemory(jdbc, WINDOW, Duration.ofMillis(300));
        awaitFreeSlot(limiter);
        MerchantRateLimiter.Permit lost = limiter.tryAcquire("acme", 1);
        assertThat(lost).isNotNull();
        // its call never finished in time: the slot frees itself and is taken again
        MerchantRateLimiter.Permit next = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> limiter.tryAcquire("acme", 1), permit -> permit != null);

        lost.cancel();
        assertThat(limiter.tryAcquire("acme", 1)).as("the slot is still the new permit's").isNull();
        next.cancel();
        assertThat(limiter.tryAcquire("acme", 1)).as("freed by the permit that holds it").isNotNull();
    }

    @Test
    void aPauseHoldsEverySlotAndOutlivesTheProcess() {
        MerchantRateLimiter limiter = started();
        limiter.pauseFor("acme", Duration.ofSeconds(60));
        assertThat(limiter.tryAcquire("acme", 2)).as("paused after a 429").isNull();

        MerchantRateLimiter afterRestart = MerchantRateLimiter.inMemory(jdbc, WINDOW, Duration.ofSeconds(30));
        // refused well past the one window a new process waits anyway: the pause was read from the store
        await().during(WINDOW.multipliedBy(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> afterRestart.tryAcquire("acme", 2) == null);
    }

    @Test
    void aNewProcessWaitsOneWindowBeforeItsFirstCall() {
        long made = System.nanoTime();
        MerchantRateLimiter limiter = MerchantRateLimiter.inMemory(jdbc, WINDOW, Duration.ofSeconds(30));
        assertThat(limiter.tryAcquire("acme", 2)).as("the process before may have called a moment ago").isNull();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> limiter.tryAcquire("acme", 2) != null);
        assertThat((System.nanoTime() - made) / 1_000_000).isGreaterThanOrEqualTo(WINDOW.toMillis());
    }
}
