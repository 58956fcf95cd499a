package me.gocertify.bridge.delivery;

import java.util.ArrayList;
import java.util.List;
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
        List<Delivery> claimed = new ArrayList<>();
        List<String> due = ledger.merchantsWithDue();
        for (int i = 0; i < due.size(); i++) {
            claimFor(due.get(i), claimed, due.size() - i);
        }
        return claimed;
    }

    /** Claims more for the merchants whose last pass left some due, where a rate slot has freed since. */
    public synchronized List<Delivery> claimFreed() {
        List<Delivery> claimed = new ArrayList<>();
        List<String> waiting = new ArrayList<>(backlogged);
        for (int i = 0; i < waiting.size(); i++) {
            claimFor(waiting.get(i), claimed, waiting.size() - i);
        }
        return claimed;
    }

    /**
     * Whether the deliverers, one of them just done, should have more now rather than at the next
     * pass: a back-log waits and half of what was claimed is finished (so a claim is still a batch).
     */
    public boolean wantsMore() {
        return !backlogged.isEmpty() && inFlight.get() <= maxInFlight / 2;
    }

    /** @param sharing this and the merchants after it in this pass share what the deliverers can still take */
    private void claimFor(String merchantId, List<Delivery> claimed, int sharing) {
        Optional<Merchant> merchant = merchants.find(merchantId).filter(Merchant::enabled);
        if (merchant.isEmpty()) {
            backlogged.remove(merchantId); // a disabled merchant's verifications wait until it is enabled again
            return;
        }
        int room = maxInFlight - inFlight.get();
        // an even share, so the first merchant of a pass never takes all the room of every pass
        List<MerchantRateLimiter.Permit> permits = rateLimiter.tryAcquire(merchantId, merchant.get().rateLimitPerSecond(),
                Math.min(batchSize, (room + sharing - 1) / sharing));
        if (permits.isEmpty()) {
            backlogged.add(merchantId);
            return;
        }
        // rows another instance is claiming right now are skipped, so instances share the back-log
        List<Delivery> due = permits.isEmpty() ? List.of() : ledger.claimDue(merchantId, permits.size());
        for (int i = 0; i < permits.size(); i++) {
            if (i < due.size()) {
                claimed.add(due.get(i).withPermit(permits.get(i)));
                inFlight.incrementAndGet();
            } else {
                permits.get(i).cancel(); // fewer were due than permitted, or another instance took them
            }
        }
        if (due.size() < permits.size()) {
            backlogged.remove(merchantId); // no more due for now
        } else {
            backlogged.add(merchantId); // perhaps more: looked at again as soon as a slot frees
        }
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
