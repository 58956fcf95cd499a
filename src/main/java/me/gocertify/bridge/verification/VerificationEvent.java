package me.gocertify.bridge.verification;

import java.time.Instant;

/** A verification that passed the contract's rules, ready to be recorded once. */
public record VerificationEvent(
        String merchantId,
        String verificationId,
        String campaign,
        String email,
        Instant verifiedAt,
        boolean earnsPoints) {

    @Override
    public String toString() {
        // the shopper's email stays out of logs
        return "Verification[" + merchantId + "/" + verificationId + " campaign=" + campaign + "]";
    }
}
