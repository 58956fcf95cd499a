package me.gocertify.bridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;
import me.gocertify.bridge.merchant.CredentialCipher;
import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.merchant.WebhookAuth;
import me.gocertify.bridge.store.Database;
import me.gocertify.bridge.store.Jdbc;
import me.gocertify.bridge.verification.Delivery;
import me.gocertify.bridge.verification.Ledger;
import me.gocertify.bridge.verification.VerificationEvent;

/** A claim pass (Deliveries over the ledger and the rate slots of an H2 store): its claims and its permits. */
class ClaimPassTest {

    @TempDir
    Path dir;

    HikariDataSource dataSource;

    @AfterEach
    void close() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    @Test
    void aPassTheStoreRefusesHandsItsPermitsBack() {
        dataSource = Database.open("jdbc:h2:file:" + dir.resolve("bridge").toAbsolutePath(), "bridge", "", 4);
        Jdbc jdbc = new Jdbc(dataSource);
        MerchantRegistry merchants = new MerchantRegistry(dataSource, new CredentialCipher(new byte[32]), 60_000, System::nanoTime);
        Merchant acme = merchants.save(new Merchant("acme", "api-key-0123456789", "guid-0123456789", "whsec_x",
                WebhookAuth.SIGNATURE, true, Map.of(), 5, null));
        Ledger ledger = new Ledger(jdbc, Clock.systemUTC(), Duration.ofSeconds(30), 2, outcome -> { });
        for (int i = 0; i < 10; i++) {
            ledger.recordOnce(new VerificationEvent("acme", "v-" + i, "students", "v" + i + "@example.com",
                    Instant.parse("2026-11-25T10:15:30Z"), true), acme);
        }
        // a window of zero: a slot is free again as soon as its call is over
        MerchantRateLimiter limiter = MerchantRateLimiter.inMemory(jdbc, Duration.ZERO, Duration.ofSeconds(30));
        Deliveries deliveries = new Deliveries(ledger, merchants, limiter, 50, 64);

        List<Delivery> first = deliveries.claimDue();
        assertThat(first).as("as many as the merchant's 5 slots").hasSize(5);
        first.forEach(delivery -> delivery.permit().finished());
        assertThat(deliveries.wantsMore()).as("5 more are due").isTrue();

        // the store refuses the next pass's claims (the merchant itself is still cached)
        jdbc.update("ALTER TABLE verification RENAME TO verification_away");
        assertThat(catchThrowable(deliveries::claimFreed)).isInstanceOf(RuntimeException.class);

        assertThat(limiter.tryAcquire("acme", 5, 5)).as("the failed pass's permits were handed back").hasSize(5);
    }
}
