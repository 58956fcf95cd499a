package me.gocertify.bridge.ops;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.spi.ExchangeFormatter;
import org.apache.camel.spi.MaskingFormatter;
import org.apache.camel.support.processor.DefaultMaskingFormatter;
import org.apache.camel.util.SensitiveUtils;

import me.gocertify.bridge.merchant.Merchant;

/**
 * Camel's log masking (camel.main.logMask) extended to the bridge's own secrets: Yotpo's x-api-key
 * and x-guid headers, the Standard Webhooks headers, bearer tokens, and the admin API's credential
 * fields. Also wraps the exchange formatter of Camel's tracer, which does not mask by itself.
 */
public final class LogMask implements MaskingFormatter {

    // the exchange property under which the webhook and the delivery routes keep their merchant
    private static final String MERCHANT = "merchant";
    private static final Set<String> KEYWORDS = Set.of("x-api-key", "x-guid", "guid", "api-key", "authorization",
            "webhook-signature", "webhook_secret", "previous_webhook_secret", "yotpo_api_key", "yotpo_guid");
    // whatever the surrounding format: a Standard Webhooks secret or signature never shows
    private static final Pattern WEBHOOK_SECRET = Pattern.compile("whsec_[A-Za-z0-9+/=_-]+");
    private static final Pattern SIGNATURE = Pattern.compile("\\bv1,[A-Za-z0-9+/]{16,}={0,2}");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[^\\s,'\"}\\]]+");

    private final DefaultMaskingFormatter camelMask;
    // Camel masks JSON only when the whole text is JSON; in a traced exchange the body is inside
    private final Pattern jsonField;

    public LogMask() {
        Set<String> keywords = new HashSet<>(SensitiveUtils.getSensitiveKeys());
        keywords.addAll(KEYWORDS);
        camelMask = new DefaultMaskingFormatter(keywords, true, true, true);
        jsonField = Pattern.compile("\"(" + String.join("|", keywords.stream().map(Pattern::quote).toList())
                + ")\"(\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", Pattern.CASE_INSENSITIVE);
    }

    @Override
    public String format(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        // signatures first: Camel's key=value mask stops at the comma inside "v1,<base64>"
        String masked = SIGNATURE.matcher(text).replaceAll("v1,xxxxx");
        masked = WEBHOOK_SECRET.matcher(masked).replaceAll("whsec_xxxxx");
        masked = BEARER.matcher(masked).replaceAll("$1 xxxxx");
        masked = camelMask.format(masked);
        return jsonField.matcher(masked).replaceAll("\"$1\"$2\"xxxxx\"");
    }

    /**
     * The given exchange formatter with every line it makes masked, and the credentials of the
     * exchange's merchant removed wherever they appear (Yotpo may echo them in an error body).
     */
    public ExchangeFormatter masking(ExchangeFormatter formatter) {
        return exchange -> {
            String text = format(formatter.format(exchange));
            if (exchange.getProperty(MERCHANT) instanceof Merchant merchant) {
                List<String> secrets = new ArrayList<>(merchant.webhookSecrets());
                secrets.add(merchant.yotpoApiKey());
                secrets.add(merchant.yotpoGuid());
                for (String secret : secrets) {
                    if (secret != null && !secret.isEmpty()) {
                        text = text.replace(secret, "xxxxx");
                    }
                }
            }
            return text;
        };
    }
}
