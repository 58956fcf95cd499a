package me.gocertify.bridge.merchant;

/** How a merchant's webhooks prove they come from Gocertify. */
public enum WebhookAuth {
    /** Standard Webhooks v1 HMAC signature headers. */
    SIGNATURE,
    /** Authorization: Bearer {webhook_secret}. */
    BEARER;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
