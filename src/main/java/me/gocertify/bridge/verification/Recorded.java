package me.gocertify.bridge.verification;

import java.util.LinkedHashMap;
import java.util.Map;

/** What recording a verification did: the webhook's answer and whether delivery should start. */
public record Recorded(String merchantId, String verificationId, Result result) {

    public enum Result {
        ACCEPTED(202), IGNORED(202), DUPLICATE(200);

        private final int httpStatus;

        Result(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    public boolean accepted() {
        return result == Result.ACCEPTED;
    }

    public int httpStatus() {
        return result.httpStatus;
    }

    public Map<String, Object> answer() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", result.name().toLowerCase(java.util.Locale.ROOT));
        body.put("verification_id", verificationId);
        return body;
    }
}
