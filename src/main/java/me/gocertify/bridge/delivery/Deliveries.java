package me.gocertify.bridge.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.verification.Delivery;
import me.gocertify.bridge.verification.Ledger;
import me.gocertify.bridge.yotpo.YotpoCall;

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
        Merchant merchant = merchants.find(merchantId).filter(Merchant::enabled).orElse(null);
        return merchant == null ? null : claim(merchant, verificationId);
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
            List<MerchantRateLimiter.Permit> permits = new ArrayList<>();
            for (int i = 0; i < Math.min(limit, batchSize); i++) {
                MerchantRateLimiter.Permit permit = rateLimiter.tryAcquire(merchantId, limit);
                if (permit == null) {
                    break;
                }
                permits.add(permit);
            }
            List<Delivery> due = permits.isEmpty() ? List.of() : ledger.claimDue(merchantId, permits.size());
            for (int i = 0; i < permits.size(); i++) {
                if (i < due.size()) {
                    claimed.add(due.get(i).withPermit(permits.get(i)));
                } else {
                    permits.get(i).cancel(); // another instance took those verifications meanwhile
                }
            }
        }
        return claimed;
    }

    /** A rate permit, then the claim; null when either is refused. */
    private Delivery claim(Merchant merchant, String verificationId) {
        MerchantRateLimiter.Permit permit = rateLimiter.tryAcquire(merchant.id(), merchant.rateLimitPerSecond());
        return permit == null ? null : claimWith(permit, merchant.id(), verificationId).orElse(null);
    }

    private Optional<Delivery> claimWith(MerchantRateLimiter.Permit permit, String merchantId, String verificationId) {
        Optional<Delivery> claimed = ledger.claim(merchantId, verificationId);
        if (claimed.isEmpty()) {
            permit.cancel();
        }
        return claimed.map(delivery -> delivery.withPermit(permit));
    }

    /** Before any call: the attempt must still hold its claim (see Ledger.holdClaim), or it ends here. */
    public void holdClaim(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery) {
        if (!ledger.holdClaim(delivery)) {
            throw new ClaimLost(delivery);
        }
    }

    /** Whatever became of the attempt, its call is over. */
    public void finished(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery) {
        if (delivery != null) {
            delivery.finished();
        }
    }
}
