package me.gocertify.bridge.webhook;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.Header;

import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.merchant.WebhookAuth;
import me.gocertify.bridge.web.ClientError;
import me.gocertify.bridge.web.TextShapes;

/** Lets a webhook in only as JSON and proven by its merchant's own secret (contract 3). */
public final class WebhookGuard {

    private final MerchantRegistry merchants;
    private final SignatureVerifier signatures;
    private final Clock clock;

    public WebhookGuard(MerchantRegistry merchants, SignatureVerifier signatures, Clock clock) {
        this.merchants = merchants;
        this.signatures = signatures;
        this.clock = clock;
    }

    /**
     * The authenticated, enabled merchant, set as the exchange property {@code merchant}, and the
     * request's headers dropped but the merchant's id; otherwise a 401 or 403. Answers true once
     * decided (admitted, or refused by its exception); false, and nothing done, only when
     * {@code mayReadStore} is false and the merchant is not in the registry's cache.
     */
    public boolean admit(Exchange exchange, boolean mayReadStore, String merchantId, String authorization, String webhookId,
            String webhookTimestamp, String webhookSignature, byte[] body) {
        Merchant merchant = null;
        if (TextShapes.isMerchantId(merchantId)) {
            Optional<Merchant> known = mayReadStore ? merchants.find(merchantId) : merchants.cached(merchantId);
            if (known.isEmpty() && !mayReadStore) {
                return false;
            }
            merchant = known.orElse(null);
        }
        admit(exchange, merchant, authorization, webhookId, webhookTimestamp, webhookSignature, body);
        return true;
    }

    /** @param merchant the merchant the request names, null when there is none */
    private void admit(Exchange exchange, Merchant merchant, String authorization, String webhookId,
            String webhookTimestamp, String webhookSignature, byte[] body) {
        if (merchant == null) {
            throw ClientError.unauthorized();
        }
        boolean proven = merchant.webhookAuth() == WebhookAuth.BEARER
                ? BearerToken.matches(authorization, merchant.webhookSecrets())
                : signatures.verify(merchant.webhookSecrets(), webhookId, webhookTimestamp, webhookSignature,
                        body == null ? new byte[0] : body, clock.instant());
        if (!proven) {
            throw ClientError.unauthorized();
        }
        if (!merchant.enabled()) {
            throw new ClientError(403, "merchant_disabled", null, null);
        }
        exchange.setProperty("merchant", merchant); // read by the recordOnce step (BridgeConfiguration.bindWebhookSteps)
        // Proven, the request's headers (its token or signature among them) are needed no more. Dropped
        // here, they are not at hand for any later log or trace, nor copied again by every bean step that
        // returns a body (Camel copies the message's headers for each one on a request-reply exchange).
        exchange.getMessage().getHeaders().keySet().removeIf(name -> !"merchantId".equals(name));
    }

    /** application/json, with at most a UTF-8 charset parameter. */
    public static void requireJson(@Header("Content-Type") String contentType) {
        if (contentType == null) {
            throw ClientError.unsupportedMediaType();
        }
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";", -1); // -1: ";" alone is two empty parts, not none
        if (!parts[0].trim().equals("application/json")) {
            throw ClientError.unsupportedMediaType();
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().replace("\"", "");
            if (parameter.startsWith("charset=") && !parameter.equals("charset=utf-8")) {
                throw ClientError.unsupportedMediaType();
            }
        }
    }
}
