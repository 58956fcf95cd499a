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

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import me.gocertify.bridge.store.StoreUnavailable;
import me.gocertify.bridge.web.Json;

/** The merchants and their credentials, encrypted at rest with {@link CredentialCipher}. */
public final class MerchantRegistry {

    private final DataSource dataSource;
    private final CredentialCipher cipher;

    public MerchantRegistry(DataSource dataSource, CredentialCipher cipher) {
        this.dataSource = dataSource;
        this.cipher = cipher;
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

    public Optional<Merchant> find(String merchantId) {
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
