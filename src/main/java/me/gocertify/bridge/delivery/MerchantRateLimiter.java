package me.gocertify.bridge.delivery;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} calls per merchant in any sliding window of one second (plus a margin for
 * the time a request takes to reach Yotpo). A refusal never waits: the caller leaves the
 * verification pending for a later pass, so no thread is parked.
 */
public final class MerchantRateLimiter {

    private final Map<String, Deque<Long>> sent = new ConcurrentHashMap<>();
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();
    private final long windowNanos;
    private final LongSupplier nanoClock;

    public MerchantRateLimiter(long windowMillis, LongSupplier nanoClock) {
        this.windowNanos = windowMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /** After Yotpo's 429: no call for this merchant until the given time. */
    public void pauseUntil(String merchantId, Instant until) {
        pausedUntil.merge(merchantId, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    public boolean tryAcquire(String merchantId, int limit) {
        Instant paused = pausedUntil.get(merchantId);
        if (paused != null) {
            if (Instant.now().isBefore(paused)) {
                return false;
            }
            pausedUntil.remove(merchantId, paused);
        }
        Deque<Long> times = sent.computeIfAbsent(merchantId, id -> new ArrayDeque<>());
        synchronized (times) {
            long now = nanoClock.getAsLong();
            while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
                times.pollFirst();
            }
            if (times.size() >= limit) {
                return false;
            }
            times.addLast(now);
            return true;
        }
    }
}
