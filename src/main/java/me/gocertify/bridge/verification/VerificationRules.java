package me.gocertify.bridge.verification;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import me.gocertify.bridge.web.ClientError;
import me.gocertify.bridge.web.Json;
import me.gocertify.bridge.web.TextShapes;

/** The contract's body rules (section 3), shared by the webhook and the file drop. */
public final class VerificationRules {

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
        if (!TextShapes.isVerificationId(verificationId)) {
            throw ClientError.invalid("verification_id", "verification_id must be 1 to 128 of A-Z a-z 0-9 . _ : -");
        }
        require(campaign, "campaign");
        if (!TextShapes.isCampaign(campaign)) {
            throw ClientError.invalid("campaign", "campaign must match [a-z0-9][a-z0-9-]{0,62}");
        }
        require(email, "email");
        if (!TextShapes.isEmail(email)) {
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
