package me.gocertify.bridge.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** "Authorization: Bearer {token}" checked in constant time against the accepted tokens. */
public final class BearerToken {

    private BearerToken() {
    }

    public static boolean matches(String authorization, List<String> accepted) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // comparing digests keeps the time independent of the tokens' lengths too
        byte[] presented = sha256(authorization.substring(7).trim());
        boolean matched = false;
        for (String token : accepted) {
            matched |= MessageDigest.isEqual(presented, sha256(token));
        }
        return matched;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
