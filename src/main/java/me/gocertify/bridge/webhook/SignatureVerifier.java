package me.gocertify.bridge.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import me.gocertify.bridge.merchant.MerchantForm;

/**
 * Standard Webhooks v1: HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{raw body}", keyed with
 * the base64 part of a whsec_ secret; any one "v1,..." entry of the header may match.
 */
public final class SignatureVerifier {

    private final long toleranceSeconds;

    public SignatureVerifier(long toleranceSeconds) {
        this.toleranceSeconds = toleranceSeconds;
    }

    /** True when the timestamp is fresh and one listed signature was made with one of the secrets. */
    public boolean verify(List<String> secrets, String id, String timestamp, String signatures, byte[] body, Instant now) {
        if (id == null || id.isEmpty() || id.length() > 256 || timestamp == null || signatures == null
                || !fresh(timestamp, now)) {
            return false;
        }
        boolean matched = false;
        for (String secret : secrets) {
            byte[] key = MerchantForm.signingKey(secret);
            if (key == null || key.length == 0) {
                continue;
            }
            byte[] expected = sign(key, id, timestamp, body);
            for (String entry : signatures.trim().split(" +")) {
                if (entry.startsWith("v1,")) {
                    // every entry is compared, in constant time, so timing tells nothing
                    matched |= MessageDigest.isEqual(expected, decode(entry.substring(3)));
                }
            }
        }
        return matched;
    }

    /** The signature header value for a message: used by tests and by anyone sending a test webhook. */
    public static String signature(String secret, String id, String timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(sign(MerchantForm.signingKey(secret), id, timestamp, body));
    }

    private boolean fresh(String timestamp, Instant now) {
        if (timestamp.isEmpty() || timestamp.length() > 12 || !timestamp.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Math.abs(now.getEpochSecond() - Long.parseLong(timestamp)) <= toleranceSeconds;
    }

    private static byte[] sign(byte[] key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
