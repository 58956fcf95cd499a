package me.gocertify.bridge.merchant;

import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import me.gocertify.bridge.web.ClientError;
import me.gocertify.bridge.web.Json;
import me.gocertify.bridge.web.TextShapes;

/** Reads the admin API's merchant body (contract 4) into a {@link Merchant}, checking each field. */
public final class MerchantForm {

    private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final int defaultRateLimit;

    public MerchantForm(int defaultRateLimit) {
        this.defaultRateLimit = defaultRateLimit;
    }

    public static String merchantId(String merchantId) {
        if (!TextShapes.isMerchantId(merchantId)) {
            throw ClientError.invalid("merchant_id", "merchant id must be 1 to 64 of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        return merchantId;
    }

    public Merchant read(String merchantId, byte[] body) {
        merchantId(merchantId);
        JsonNode json = Json.readObject(body);
        String apiKey = credential(json, "yotpo_api_key");
        String guid = credential(json, "yotpo_guid");
        WebhookAuth auth = auth(Json.optionalText(json, "webhook_auth"));
        String secret = webhookSecret("webhook_secret", Json.requiredText(json, "webhook_secret"), auth);
        String previous = Json.optionalText(json, "previous_webhook_secret");
        if (previous != null) {
            previous = webhookSecret("previous_webhook_secret", previous, auth);
        }
        return new Merchant(merchantId, apiKey, guid, secret, auth, enabled(json), overrides(json), rateLimit(json),
                secret.equals(previous) ? null : previous);
    }

    private static String credential(JsonNode json, String field) {
        String value = Json.requiredText(json, field);
        if (value.length() > 256 || !PRINTABLE.matcher(value).matches()) {
            throw ClientError.invalid(field, field + " must be 1 to 256 printable characters without spaces");
        }
        return value;
    }

    private static WebhookAuth auth(String text) {
        if (text == null) {
            return WebhookAuth.SIGNATURE;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "signature" -> WebhookAuth.SIGNATURE;
            case "bearer" -> WebhookAuth.BEARER;
            default -> throw ClientError.invalid("webhook_auth", "webhook_auth must be signature or bearer");
        };
    }

    private static String webhookSecret(String field, String secret, WebhookAuth auth) {
        if (secret.length() > 256) {
            throw ClientError.invalid(field, field + " must be at most 256 characters");
        }
        if (auth == WebhookAuth.SIGNATURE) {
            byte[] key = signingKey(secret);
            if (key == null || key.length < 16) {
                throw ClientError.invalid(field, field + " must be whsec_ followed by the base64 of at least 16 bytes");
            }
        } else if (secret.length() < 16 || !PRINTABLE.matcher(secret).matches()) {
            throw ClientError.invalid(field, "a bearer " + field + " must be at least 16 printable characters without spaces");
        }
        return secret;
    }

    /** The HMAC key of a Standard Webhooks secret: the base64-decoded part after whsec_, or null. */
    public static byte[] signingKey(String secret) {
        if (!secret.startsWith("whsec_")) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean enabled(JsonNode json) {
        JsonNode value = json.get("enabled");
        if (value == null || value.isNull()) {
            return true;
        }
        if (!value.isBoolean()) {
            throw ClientError.invalid("enabled", "enabled must be true or false");
        }
        return value.booleanValue();
    }

    private int rateLimit(JsonNode json) {
        JsonNode value = json.get("rate_limit_per_second");
        if (value == null || value.isNull()) {
            return defaultRateLimit;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1 || value.intValue() > 1000) {
            throw ClientError.invalid("rate_limit_per_second", "rate_limit_per_second must be a whole number from 1 to 1000");
        }
        return value.intValue();
    }

    private static Map<String, String> overrides(JsonNode json) {
        JsonNode value = json.get("action_overrides");
        Map<String, String> overrides = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return overrides;
        }
        if (!value.isObject() || value.size() > 100) {
            throw ClientError.invalid("action_overrides", "action_overrides must be an object of at most 100 campaign names to action names");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!TextShapes.isCampaign(entry.getKey()) || !entry.getValue().isTextual()
                    || !PRINTABLE.matcher(entry.getValue().textValue()).matches()) {
                throw ClientError.invalid("action_overrides",
                        "each action override maps a campaign name to an action name of 1 to 255 printable characters");
            }
            overrides.put(entry.getKey(), entry.getValue().textValue());
        }
        return overrides;
    }
}
