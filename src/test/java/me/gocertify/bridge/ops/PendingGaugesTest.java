package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;
import me.gocertify.bridge.store.Database;
import me.gocertify.bridge.store.Jdbc;

/**
 * The pending gauges read the store when scraped, at most once per refresh interval, and after a slow
 * read only once twenty times its length has passed, so a large back-log (whose oldest verification
 * is found by reading every waiting entry of the due index) never keeps the store busy with metrics; the
 * oldest one's age still grows between reads.
 */
class PendingGaugesTest {

    private static final Duration REFRESH = Duration.ofSeconds(5);

    /** Moves on by its step every time it is read: each read of the store takes one step by it (from the scrape to its end). */
    private static final class SteppingClock extends Clock {
        private final Duration step;
        private Instant next = Instant.parse("2026-11-27T12:00:00Z");

        SteppingClock(Duration step) {
            this.step = step;
        }

        /** What the next read will say, without moving on. */
        synchronized Instant peek() {
            return next;
        }

        @Override
        public synchronized Instant instant() {
            Instant now = next;
            next = next.plus(step);
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @TempDir
    Path dir;

    HikariDataSource dataSource;
    Jdbc jdbc;
    DefaultCamelContext camel;

    @BeforeEach
    void open() {
        dataSource = Database.open("jdbc:h2:file:" + dir.resolve("bridge").toAbsolutePath(), "bridge", "", 2);
        jdbc = new Jdbc(dataSource);
        camel = new DefaultCamelContext();
    }

    @AfterEach
    void close() throws Exception {
        camel.close();
        dataSource.close();
    }

    @Test
    void aSlowReadIsNotRepeatedUntilTwentyTimesItsLengthHasPassed() {
        // each read of the store takes 1 s by this clock: 20 s before the next, though the refresh is 5 s
        assertThat(timeUntilNewRowsAreSeen(new SteppingClock(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aQuickReadIsRepeatedOnceTheRefreshIntervalHasPassed() {
        // 100 ms a read: twenty times that is less than the refresh interval, which rules
        assertThat(timeUntilNewRowsAreSeen(new SteppingClock(Duration.ofMillis(100)))).isEqualTo(REFRESH);
    }

    @Test
    void theOldestOnesAgeGrowsBetweenReadsOfTheStore() {
        recordPending("v-old", "TIMESTAMP WITH TIME ZONE '2026-11-27 11:59:00+00'");
        SteppingClock clock = new SteppingClock(Duration.ofSeconds(1));
        MeterRegistry registry = new SimpleMeterRegistry();
        new BridgeMetrics(registry, jdbc, clock, REFRESH, CircuitBreaker.ofDefaults("yotpo"), camel);
        double first = oldestAge(registry);
        double second = oldestAge(registry);
        // the second scrape is answered from the first read (20 s to wait), yet counts the age at its own time
        assertThat(first).isGreaterThanOrEqualTo(60);
        assertThat(second - first).isEqualTo(2);
    }

    @Test
    void theGaugesColumnsAreAllInTheDueIndexSoNoRowIsRead() {
        // status and received_at (with the row id) are all the read needs: H2 and PostgreSQL answer it from the
        // index's entries, several times faster over a large back-log than from the rows (migration V4)
        assertThat(jdbc.query("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE INDEX_NAME = 'VERIFICATION_DUE'"
                + " ORDER BY ORDINAL_POSITION", row -> row.getString(1)))
                .containsExactly("STATUS", "MERCHANT_ID", "NEXT_ATTEMPT_AT", "RECEIVED_AT");
    }

    @Test
    void theGaugesKeepTheirMetricsAliveThoughNothingElseHoldsThem() {
        // Micrometer holds a gauge's object weakly unless told otherwise: once collected, the gauge reads NaN
        // (this class's scrapes read NaN in CI that way, the metrics object made and let go of at once)
        MeterRegistry registry = new SimpleMeterRegistry();
        WeakReference<BridgeMetrics> metrics = new WeakReference<>(new BridgeMetrics(registry, jdbc, Clock.systemUTC(),
                REFRESH, CircuitBreaker.ofDefaults("yotpo"), camel));
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertThat(metrics.get()).as("the metrics, held by the registry's gauges").isNotNull();
        assertThat(pending(registry)).isZero();
    }

    /** Scrapes the pending count, records three more pending verifications, then scrapes until they show. */
    private Duration timeUntilNewRowsAreSeen(SteppingClock clock) {
        MeterRegistry registry = new SimpleMeterRegistry();
        new BridgeMetrics(registry, jdbc, clock, REFRESH, CircuitBreaker.ofDefaults("yotpo"), camel);
        Instant firstRead = clock.peek();
        assertThat(pending(registry)).isZero();
        for (int i = 0; i < 3; i++) {
            recordPending("v-" + i, "CURRENT_TIMESTAMP");
        }
        Instant scraped;
        double shown;
        do {
            scraped = clock.peek();
            shown = pending(registry);
        } while (shown == 0 && scraped.isBefore(firstRead.plusSeconds(60)));
        assertThat(shown).as("the new rows, once read again").isEqualTo(3);
        return Duration.between(firstRead, scraped);
    }

    private void recordPending(String verificationId, String receivedAt) {
        jdbc.update("INSERT INTO verification (merchant_id, verification_id, campaign, email, verified_at, status,"
                + " action_name, attempts, received_at, next_attempt_at, check_first, checks_failed) VALUES ('acme', ?,"
                + " 'students', 'shopper@example.com', CURRENT_TIMESTAMP, 'PENDING', 'gocertify-students', 0, "
                + receivedAt + ", CURRENT_TIMESTAMP, FALSE, 0)", verificationId);
    }

    private static double oldestAge(MeterRegistry registry) {
        return registry.get("bridge.verifications.oldest.pending.age").gauge().value();
    }

    private static double pending(MeterRegistry registry) {
        return registry.get("bridge.verifications.pending").gauge().value();
    }
}
