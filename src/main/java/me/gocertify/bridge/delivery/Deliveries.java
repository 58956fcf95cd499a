package me.gocertify.bridge.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.verification.Delivery;
import me.gocertify.bridge.verification.Ledger;
import me.gocertify.bridge.verification.Recorded;

/**
 * Decides which verifications go out now: due, claimed in the ledger, and within the merchant's
 * rate. No more are claimed than the deliverers can take (a claim waiting in a queue would let its
 * lease run out), and a merchant that had more due than it could take is looked at again as soon
 * as a slot frees, so its back-log drains at its full rate.
 */
public final class Deliveries {

    private final Ledger ledger;
    private final MerchantRegistry merchants;
    private final MerchantRateLimiter rateLimiter;
    private final int batchSize;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<String> backlogged = ConcurrentHashMap.newKeySet();

    /**
     * @param batchSize at most this many claims per merchant in one pass
     * @param maxInFlight at most this many claimed verifications not yet finished
     */
    public Deliveries(Ledger ledger, MerchantRegistry merchants, MerchantRateLimiter rateLimiter, int batchSize, int maxInFlight) {
        this.ledger = ledger;
        this.merchants = merchants;
        this.rateLimiter = rateLimiter;
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
    }

    /**
     * Whether delivery of what was just recorded starts at once: a new verification that earns points,
     * for a merchant without a back-log (claimNow would leave it to deliver-freed anyway, so it is not
     * even handed over).
     */
    public boolean startsNow(Recorded recorded) {
        return recorded.accepted() && !backlogged.contains(recorded.merchantId());
    }

    /**
     * The just-accepted verification, claimed if the merchant's rate allows; otherwise the poller
     * takes it. A merchant with a back-log is left to deliver-freed, which sends the oldest first.
     */
    public Delivery claimNow(Recorded recorded) {
        String merchantId = recorded.merchantId();
        if (backlogged.contains(merchantId)) {
            return null;
        }
        String verificationId = recorded.verificationId();
        Merchant merchant = merchants.find(merchantId).filter(Merchant::enabled).orElse(null);
        if (merchant == null) {
            return null;
        }
        MerchantRateLimiter.Permit permit = rateLimiter.tryAcquire(merchant.id(), merchant.rateLimitPerSecond());
        if (permit == null) {
            backlogged.add(merchantId);
            return null;
        }
        return claimWith(permit, merchantId, verificationId).orElse(null);
    }

    /**
     * Settles interrupted attempts, then claims due verifications merchant by merchant, each up to
     * what its rate allows now, so one merchant's back-log never holds up another's.
     */
    public synchronized List<Delivery> claimDue() {
        ledger.expireLeases();
        return claimFor(ledger.merchantsWithDue());
    }

    /** Claims more for the merchants whose last pass left some due, where a rate slot has freed since. */
    public synchronized List<Delivery> claimFreed() {
        return claimFor(new ArrayList<>(backlogged));
    }

    /**
     * Whether the deliverers, one of them just done, should have more now rather than at the next
     * pass: a back-log waits and half of what was claimed is finished (so a claim is still a batch).
     */
    public boolean wantsMore() {
        return !backlogged.isEmpty() && inFlight.get() <= maxInFlight / 2;
    }

    /**
     * One pass: each merchant's permits first (what its rate and the deliverers' room allow), then one
     * transaction claims for all of them (Ledger.claimDue), and permits left over are handed back.
     */
    private List<Delivery> claimFor(List<String> merchantIds) {
        Map<String, List<MerchantRateLimiter.Permit>> permitted = new LinkedHashMap<>();
        int room = maxInFlight - inFlight.get();
        for (int i = 0; i < merchantIds.size(); i++) {
            String merchantId = merchantIds.get(i);
            Optional<Merchant> merchant = merchants.find(merchantId).filter(Merchant::enabled);
            if (merchant.isEmpty()) {
                backlogged.remove(merchantId); // a disabled merchant's verifications wait until it is enabled again
                continue;
            }
            // an even share of the room left, so the first merchant of a pass never takes all the room of every pass
            int sharing = merchantIds.size() - i;
            List<MerchantRateLimiter.Permit> permits = rateLimiter.tryAcquire(merchantId, merchant.get().rateLimitPerSecond(),
                    Math.min(batchSize, (room + sharing - 1) / sharing));
            if (permits.isEmpty()) {
                backlogged.add(merchantId);
                continue;
            }
            room -= permits.size();
            permitted.put(merchantId, permits);
        }
        if (permitted.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> limits = new LinkedHashMap<>();
        permitted.forEach((merchantId, permits) -> limits.put(merchantId, permits.size()));
        Map<String, List<Delivery>> due;
        try {
            // rows another instance is claiming right now are skipped, so instances share the back-log
            due = ledger.claimDue(limits);
        } catch (RuntimeException e) {
            permitted.values().forEach(permits -> permits.forEach(MerchantRateLimiter.Permit::cancel));
            throw e;
        }
        List<Delivery> claimed = new ArrayList<>();
        permitted.forEach((merchantId, permits) -> {
            List<Delivery> ofMerchant = due.getOrDefault(merchantId, List.of());
            for (int i = 0; i < permits.size(); i++) {
                if (i < ofMerchant.size()) {
                    claimed.add(ofMerchant.get(i).withPermit(permits.get(i)));
                    inFlight.incrementAndGet();
                } else {
                    permits.get(i).cancel(); // fewer were due than permitted, or another instance took them
                }
            }
            if (ofMerchant.size() < permits.size()) {
                backlogged.remove(merchantId); // no more due for now
            } else {
                backlogged.add(merchantId); // perhaps more: looked at again as soon as a slot frees
            }
        });
        return claimed;
    }

    private Optional<Delivery> claimWith(MerchantRateLimiter.Permit permit, String merchantId, String verificationId) {
        Optional<Delivery> claimed = ledger.claim(merchantId, verificationId);
        if (claimed.isEmpty()) {
            permit.cancel();
        } else {
            inFlight.incrementAndGet();
        }
        return claimed.map(delivery -> delivery.withPermit(permit));
    }

    /** Before any call: the attempt must still hold its claim (see Ledger.holdClaim), or it ends here. */
    public void holdClaim(Delivery delivery) {
        if (!ledger.holdClaim(delivery)) {
            throw new ClaimLost(delivery);
        }
    }

    /** Whatever became of the attempt, its call is over. */
    public void finished(Delivery delivery) {
        if (delivery != null && delivery.finished()) {
            inFlight.decrementAndGet();
        }
    }
}
