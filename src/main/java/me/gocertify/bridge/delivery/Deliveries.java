package me.gocertify.bridge.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.Header;

import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.verification.Delivery;
import me.gocertify.bridge.verification.Ledger;

/** Decides which verifications go out now: due, claimed in the ledger, and within the merchant's rate. */
public final class Deliveries {

    private final Ledger ledger;
    private final MerchantRegistry merchants;
    private final MerchantRateLimiter rateLimiter;
    private final int batchSize;

    public Deliveries(Ledger ledger, MerchantRegistry merchants, MerchantRateLimiter rateLimiter, int batchSize) {
        this.ledger = ledger;
        this.merchants = merchants;
        this.rateLimiter = rateLimiter;
        this.batchSize = batchSize;
    }

    /** The just-accepted verification, claimed if the merchant's rate allows; otherwise the poller takes it. */
    public Delivery claimNow(@Header("merchantId") String merchantId, @Header("verificationId") String verificationId) {
        return merchants.find(merchantId)
                .filter(Merchant::enabled)
                .filter(merchant -> rateLimiter.tryAcquire(merchantId, merchant.rateLimitPerSecond()))
                .flatMap(merchant -> ledger.claim(merchantId, verificationId))
                .orElse(null);
    }

    /**
     * Settles interrupted attempts, then claims due verifications merchant by merchant, each up to
     * what its rate allows now, so one merchant's back-log never holds up another's.
     */
    public List<Delivery> claimDue() {
        ledger.expireLeases();
        List<Delivery> claimed = new ArrayList<>();
        for (String merchantId : ledger.merchantsWithDue()) {
            Optional<Merchant> merchant = merchants.find(merchantId).filter(Merchant::enabled);
            if (merchant.isEmpty()) {
                continue; // a disabled merchant's verifications wait until it is enabled again
            }
            int limit = merchant.get().rateLimitPerSecond();
            for (String verificationId : ledger.due(merchantId, Math.min(limit, batchSize))) {
                if (!rateLimiter.tryAcquire(merchantId, limit)) {
                    break;
                }
                ledger.claim(merchantId, verificationId).ifPresent(claimed::add);
            }
        }
        return claimed;
    }
}
