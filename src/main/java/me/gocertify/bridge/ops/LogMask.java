package me.gocertify.bridge.ops;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExchangeFormatter;
import org.apache.camel.spi.MaskingFormatter;
import org.apache.camel.support.processor.DefaultMaskingFormatter;
import org.apache.camel.util.SensitiveUtils;

/**
 * Camel's log masking (camel.main.logMask) extended to the bridge's own secrets: Yotpo's x-api-key
 * and x-guid headers, the Standard Webhooks headers, bearer tokens, and the admin API's credential
 * fields. Also wraps the exchange formatter of Camel's tracer, which does not mask by itself.
 */
public final class LogMask implements MaskingFormatter {

    private static final Set<String> KEYWORDS = Set.of("x-api-key", "x-guid", "guid", "api-key", "authorization",
            "webhook-signature", "webhook_secret", "previous_webhook_secret", "yotpo_api_key", "yotpo_guid");
    // whatever the surrounding format: a Standard Webhooks secret or signature never shows
    private static final Pattern WEBHOOK_SECRET = Pattern.compile("whsec_[A-Za-z0-9+/=_-]+");
    private static final Pattern SIGNATURE = Pattern.compile("\\bv1,[A-Za-z0-9+/]{16,}={0,2}");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[^\\s,'\"}\\]]+");

    private final DefaultMaskingFormatter camelMask;

    public LogMask() {
        Set<String> keywords = new HashSet<>(SensitiveUtils.getSensitiveKeys());
        keywords.addAll(KEYWORDS);
        camelMask = new DefaultMaskingFormatter(keywords, true, true, true);
    }

    @Override
    public String format(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = camelMask.format(text);
        masked = WEBHOOK_SECRET.matcher(masked).replaceAll("whsec_xxxxx");
        masked = SIGNATURE.matcher(masked).replaceAll("v1,xxxxx");
        return BEARER.matcher(masked).replaceAll("$1 xxxxx");
    }

    /** The given exchange formatter with every line it makes masked. */
    public ExchangeFormatter masking(ExchangeFormatter formatter) {
        return new ExchangeFormatter() {
            @Override
            public String format(Exchange exchange) {
                return LogMask.this.format(formatter.format(exchange));
            }
        };
    }
}
