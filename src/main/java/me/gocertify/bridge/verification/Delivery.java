package me.gocertify.bridge.verification;

import java.time.Instant;

import me.gocertify.bridge.delivery.MerchantRateLimiter;

/** A verification claimed for one delivery attempt; {@code claimedNanos} is System.nanoTime() just before the claim was asked for. */
public record Delivery(
        String merchantId,
        String verificationId,
        String campaign,
        String email,
        Instant verifiedAt,
        Instant receivedAt,
        int attempts,
        boolean checkFirst,
        long claimedNanos,
        MerchantRateLimiter.Permit permit) {

    /** This delivery, holding the rate permit its call goes out under. */
    public Delivery withPermit(MerchantRateLimiter.Permit permit) {
        return new Delivery(merchantId, verificationId, campaign, email, verifiedAt, receivedAt, attempts, checkFirst, claimedNanos, permit);
    }

    /** This verification as the claim that counts one more attempt leaves it. */
    public Delivery nextAttempt() {
        return new Delivery(merchantId, verificationId, campaign, email, verifiedAt, receivedAt, attempts + 1, checkFirst, claimedNanos, permit);
    }

    /** The call is over (answered, failed or not made): its rate slot starts to run out. False if it was already over. */
    public boolean finished() {
        return permit != null && permit.finished();
    }

    @Override
    public String toString() {
        return "Delivery[" + merchantId + "/" + verificationId + " attempt " + attempts + "]";
    }
}
