package me.gocertify.bridge.merchant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A merchant with its credentials decrypted: lives in memory only, never logged. */
public record Merchant(
        String id,
        String yotpoApiKey,
        String yotpoGuid,
        String webhookSecret,
        WebhookAuth webhookAuth,
        boolean enabled,
        Map<String, String> actionOverrides,
        int rateLimitPerSecond,
        String previousWebhookSecret) {

    public Merchant {
        actionOverrides = Map.copyOf(actionOverrides);
    }

    /** A merchant without a secret rotation under way. */
    public Merchant(String id, String yotpoApiKey, String yotpoGuid, String webhookSecret, WebhookAuth webhookAuth,
            boolean enabled, Map<String, String> actionOverrides, int rateLimitPerSecond) {
        this(id, yotpoApiKey, yotpoGuid, webhookSecret, webhookAuth, enabled, actionOverrides, rateLimitPerSecond, null);
    }

    /** The secrets a webhook may be proven with: the current one, and during a rotation the previous one. */
    public List<String> webhookSecrets() {
        return previousWebhookSecret == null ? List.of(webhookSecret) : List.of(webhookSecret, previousWebhookSecret);
    }

    /** Yotpo's action name for a campaign: gocertify-{campaign} unless the merchant overrides it. */
    public String actionNameFor(String campaign) {
        return actionOverrides.getOrDefault(campaign, "gocertify-" + campaign);
    }

    /** The admin view: every secret masked to its last 4 characters. */
    public Map<String, Object> maskedView() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("merchant_id", id);
        view.put("yotpo_api_key", mask(yotpoApiKey));
        view.put("yotpo_guid", mask(yotpoGuid));
        view.put("webhook_secret", mask(webhookSecret));
        if (previousWebhookSecret != null) {
            view.put("previous_webhook_secret", mask(previousWebhookSecret));
        }
        view.put("webhook_auth", webhookAuth.wireName());
        view.put("enabled", enabled);
        view.put("action_overrides", new LinkedHashMap<>(actionOverrides));
        view.put("rate_limit_per_second", rateLimitPerSecond);
        return view;
    }

    static String mask(String secret) {
        // a secret shorter than 8 characters shows nothing: its last 4 would be most of it
        return secret.length() < 8 ? "****" : "****" + secret.substring(secret.length() - 4);
    }

    @Override
    public String toString() {
        return "Merchant[" + id + ", " + webhookAuth.wireName() + (enabled ? "" : ", disabled") + "]";
    }
}
