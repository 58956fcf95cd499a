package me.gocertify.bridge.verification;

import java.time.Instant;

/** A verification claimed for one delivery attempt. */
public record Delivery(
        String merchantId,
        String verificationId,
        String campaign,
        String email,
        Instant verifiedAt,
        Instant receivedAt,
        int attempts,
        boolean checkFirst) {

    @Override
    public String toString() {
        return "Delivery[" + merchantId + "/" + verificationId + " attempt " + attempts + "]";
    }
}
