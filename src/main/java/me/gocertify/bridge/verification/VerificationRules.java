package me.gocertify.bridge.verification;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import me.gocertify.bridge.web.ClientError;
import me.gocertify.bridge.web.Json;

/** The contract's body rules (section 3), shared by the webhook and the file drop. */
public final class VerificationRules {

    /*
     * The three fields' shapes, checked a character at a time against these tables rather than with
     * java.util.regex: the patterns (still in VerificationRulesTest, which holds these checks to them)
     * tested each character through a chain of predicates and allocated matcher state for every field
     * of every webhook: 3% of the HTTP event loop's time and 6% of what it allocated (BENCHMARKS.md,
     * session 23).
     */
    private static final String DIGITS = "0123456789";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String LETTERS_DIGITS = LOWER.toUpperCase(Locale.ROOT) + LOWER + DIGITS;
    /** verification_id: 1 to 128 of A-Z a-z 0-9 . _ : - */
    private static final boolean[] ID_CHARS = asciiTable(LETTERS_DIGITS + "._:-");
    /** campaign: [a-z0-9][a-z0-9-]{0,62} */
    private static final boolean[] CAMPAIGN_FIRST = asciiTable(LOWER + DIGITS);
    private static final boolean[] CAMPAIGN_CHARS = asciiTable(LOWER + DIGITS + "-");
    /** email: 1 to 64 of these, @, then two or more dot-separated labels of 1 to 63 letters, digits and inner hyphens */
    private static final boolean[] EMAIL_LOCAL_CHARS = asciiTable(LETTERS_DIGITS + ".!#$%&'*+/=?^_`{|}~-");
    private static final boolean[] LABEL_CHARS = asciiTable(LETTERS_DIGITS + "-");
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final Clock clock;

    public VerificationRules(Clock clock) {
        this.clock = clock;
    }

    /** A webhook body: a JSON object with the contract's fields; anything else is a 400. */
    public VerificationEvent fromJson(String merchantId, byte[] body) {
        return fromObject(merchantId, Json.readObject(body), clock.instant());
    }

    public VerificationEvent fromObject(String merchantId, JsonNode object, Instant receivedAt) {
        return of(merchantId,
                Json.requiredText(object, "verification_id"),
                Json.requiredText(object, "campaign"),
                Json.requiredText(object, "email"),
                Json.optionalText(object, "verified_at"),
                Json.optionalText(object, "status"),
                receivedAt);
    }

    /** Checks each field; a broken rule is a 400 naming the field, without echoing its value. */
    public VerificationEvent of(String merchantId, String verificationId, String campaign, String email,
            String verifiedAt, String status, Instant receivedAt) {
        require(verificationId, "verification_id");
        if (verificationId.length() > 128 || !onlyFrom(ID_CHARS, verificationId, 0, verificationId.length())) {
            throw ClientError.invalid("verification_id", "verification_id must be 1 to 128 of A-Z a-z 0-9 . _ : -");
        }
        require(campaign, "campaign");
        if (!isCampaign(campaign)) {
            throw ClientError.invalid("campaign", "campaign must match [a-z0-9][a-z0-9-]{0,62}");
        }
        require(email, "email");
        if (email.length() > 254 || !isEmail(email)) {
            throw ClientError.invalid("email", "email must be a valid address of at most 254 characters");
        }
        boolean earns = status == null || status.equals("verified");
        if (status != null && status.length() > 64) {
            throw ClientError.invalid("status", "status must be at most 64 characters");
        }
        Instant when = verifiedAt == null || verifiedAt.isEmpty() ? receivedAt : instant(verifiedAt);
        return new VerificationEvent(merchantId, verificationId, campaign, email,
                when.truncatedTo(ChronoUnit.SECONDS), earns);
    }

    private static boolean isCampaign(String campaign) {
        return campaign.length() <= 63 && onlyFrom(CAMPAIGN_FIRST, campaign, 0, 1)
                && onlyFrom(CAMPAIGN_CHARS, campaign, 1, campaign.length());
    }

    private static boolean isEmail(String email) {
        int at = email.indexOf('@');
        if (at < 1 || at > 64 || !onlyFrom(EMAIL_LOCAL_CHARS, email, 0, at)) {
            return false;
        }
        int labels = 0;
        int start = at + 1;
        while (true) {
            int dot = email.indexOf('.', start);
            int end = dot < 0 ? email.length() : dot;
            if (!isLabel(email, start, end)) {
                return false;
            }
            labels++;
            if (dot < 0) {
                return labels >= 2;
            }
            start = dot + 1;
        }
    }

    /** A domain label: 1 to 63 letters, digits and hyphens, neither first nor last a hyphen. */
    private static boolean isLabel(String text, int from, int to) {
        return to - from >= 1 && to - from <= 63 && text.charAt(from) != '-' && text.charAt(to - 1) != '-'
                && onlyFrom(LABEL_CHARS, text, from, to);
    }

    /** Whether text[from, to) holds only characters of the table (every one ASCII). */
    private static boolean onlyFrom(boolean[] table, String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= table.length || !table[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean[] asciiTable(String characters) {
        boolean[] table = new boolean[128];
        characters.chars().forEach(c -> table[c] = true);
        return table;
    }

    private static void require(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw ClientError.invalid(field, field + " is required");
        }
    }

    private static Instant instant(String text) {
        Instant instant;
        try {
            instant = text.length() > 64 ? null : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            instant = null;
        }
        if (instant == null || instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw ClientError.invalid("verified_at", "verified_at must be an ISO-8601 instant from 1970 to 9999, such as 2026-11-25T10:15:30Z");
        }
        return instant;
    }
}
