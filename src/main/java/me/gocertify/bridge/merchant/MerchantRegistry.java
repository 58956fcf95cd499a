package me.gocertify.bridge.merchant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import me.gocertify.bridge.store.StoreUnavailable;
import me.gocertify.bridge.web.Json;

/**
 * The merchants and their credentials, encrypted at rest with {@link CredentialCipher}. Every webhook
 * and every delivery needs its merchant, so a decrypted copy is kept for a short while: a change
 * made through this instance shows at once, one made through another instance sharing the store
 * within that while.
 */
public final class MerchantRegistry {

    /** A merchant as read from the store, and when (System.nanoTime). */
    private record Cached(Merchant merchant, long readAt) {
    }

    private final DataSource dataSource;
    private final CredentialCipher cipher;
    private final long cacheNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped by every save, so a read that raced with one is not kept. */
    private final AtomicLong saves = new AtomicLong();

    public MerchantRegistry(DataSource dataSource, CredentialCipher cipher) {
        this(dataSource, cipher, 0, System::nanoTime);
    }

    /** @param cacheMillis how long a merchant read from the store is used before it is read again (0: always read) */
    public MerchantRegistry(DataSource dataSource, CredentialCipher cipher, long cacheMillis, LongSupplier nanoClock) {
        this.dataSource = dataSource;
        this.cipher = cipher;
        this.cacheNanos = cacheMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /** Creates or replaces a merchant. */
    public Merchant save(Merchant merchant) {
        String id = merchant.id();
        String overrides;
        try {
            overrides = Json.MAPPER.writeValueAsString(merchant.actionOverrides());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("action overrides do not serialise", e);
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement("UPDATE merchant SET yotpo_api_key = ?, yotpo_guid = ?,"
                        + " webhook_secret = ?, webhook_auth = ?, enabled = ?, action_overrides = ?, rate_limit_per_second = ?,"
                        + " updated_at = ?, previous_webhook_secret = ? WHERE merchant_id = ?");
                PreparedStatement insert = c.prepareStatement("INSERT INTO merchant (yotpo_api_key, yotpo_guid,"
                        + " webhook_secret, webhook_auth, enabled, action_overrides, rate_limit_per_second, updated_at,"
                        + " previous_webhook_secret, merchant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            if (bind(update, merchant, overrides).executeUpdate() == 0) {
                bind(insert, merchant, overrides).executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot save merchant " + id, e);
        } finally {
            saves.incrementAndGet();
            cache.remove(id);
        }
        return merchant;
    }

    private PreparedStatement bind(PreparedStatement statement, Merchant merchant, String overrides) throws SQLException {
        String id = merchant.id();
        statement.setString(1, cipher.encrypt(id, merchant.yotpoApiKey()));
        statement.setString(2, cipher.encrypt(id, merchant.yotpoGuid()));
        statement.setString(3, cipher.encrypt(id, merchant.webhookSecret()));
        statement.setString(4, merchant.webhookAuth().name());
        statement.setBoolean(5, merchant.enabled());
        statement.setString(6, overrides);
        statement.setInt(7, merchant.rateLimitPerSecond());
        statement.setTimestamp(8, Timestamp.from(Instant.now()));
        String previous = merchant.previousWebhookSecret();
        statement.setString(9, previous == null ? null : cipher.encrypt(id, previous));
        statement.setString(10, id);
        return statement;
    }

    /** The merchant, as read from the store at most the cache's while ago; empty when unknown. */
    public Optional<Merchant> find(String merchantId) {
        long now = nanoClock.getAsLong();
        Optional<Merchant> cached = cached(merchantId, now);
        if (cached.isPresent()) {
            return cached;
        }
        long savesBefore = saves.get();
        Optional<Merchant> merchant = findCurrent(merchantId);
        // only known merchants are kept, so made-up ids cannot grow the cache
        if (merchant.isPresent() && cacheNanos > 0) {
            cache.put(merchantId, new Cached(merchant.get(), now));
            if (saves.get() != savesBefore) {
                cache.remove(merchantId);
            }
        }
        return merchant;
    }

    /**
     * The merchant as {@link #find} would give it without reading the store: empty when it is not in the
     * cache (unknown, or read too long ago), so a caller that must not block can tell when find would read.
     */
    public Optional<Merchant> cached(String merchantId) {
        return cached(merchantId, nanoClock.getAsLong());
    }

    private Optional<Merchant> cached(String merchantId, long now) {
        Cached cached = cache.get(merchantId);
        return cached != null && now - cached.readAt() < cacheNanos ? Optional.of(cached.merchant()) : Optional.empty();
    }

    /** The merchant as the store has it now; empty when unknown. */
    public Optional<Merchant> findCurrent(String merchantId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT yotpo_api_key, yotpo_guid, webhook_secret, webhook_auth,"
                        + " enabled, action_overrides, rate_limit_per_second, previous_webhook_secret FROM merchant WHERE merchant_id = ?")) {
            select.setString(1, merchantId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Merchant(merchantId,
                        cipher.decrypt(merchantId, row.getString(1)),
                        cipher.decrypt(merchantId, row.getString(2)),
                        cipher.decrypt(merchantId, row.getString(3)),
                        WebhookAuth.valueOf(row.getString(4)),
                        row.getBoolean(5),
                        overrides(row.getString(6)),
                        row.getInt(7),
                        row.getString(8) == null ? null : cipher.decrypt(merchantId, row.getString(8))));
            }
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot read merchant " + merchantId, e);
        }
    }

    private static Map<String, String> overrides(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored action overrides are not a JSON object", e);
        }
    }
}
