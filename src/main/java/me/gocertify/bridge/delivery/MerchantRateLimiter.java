package me.gocertify.bridge.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} calls per merchant in any window of one second, as Yotpo sees them. A call
 * holds its slot from the moment it is permitted until one window after its answer came back:
 * the request reached Yotpo somewhere in between, so the next call through that slot arrives at
 * least a window later, whatever the network and the JVM did meanwhile. A refusal never waits:
 * the verification stays due for a later pass, so no thread is parked.
 */
public final class MerchantRateLimiter {

    /** One permitted call; {@link #finished()} when its answer (or failure) is in. */
    public static final class Permit {
        private final Object lock;
        private final long[] slot;
        private final LongSupplier clock;

        private Permit(Object lock, long[] slot, LongSupplier clock) {
            this.lock = lock;
            this.slot = slot;
            this.clock = clock;
        }

        /** The call is over: its slot runs out one window from now. False if it was already finished. */
        public boolean finished() {
            synchronized (lock) {
                if (slot[FINISHED] != IN_FLIGHT) {
                    return false;
                }
                slot[FINISHED] = clock.getAsLong();
                return true;
            }
        }

        /** No call was made under this permit after all: its slot is free at once. */
        public void cancel() {
            synchronized (lock) {
                ((List<?>) lock).remove(slot);
            }
        }
    }

    private static final int STARTED = 0;
    private static final int FINISHED = 1;
    private static final long IN_FLIGHT = Long.MAX_VALUE;

    private final Map<String, List<long[]>> slots = new ConcurrentHashMap<>();
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();
    private final long windowNanos;
    private final long abandonNanos;
    private final LongSupplier nanoClock;

    /**
     * @param windowMillis the window, one second plus any margin
     * @param abandonMillis after this, a permit never finished (a lost exchange) frees its slot
     */
    public MerchantRateLimiter(long windowMillis, long abandonMillis, LongSupplier nanoClock) {
        this.windowNanos = windowMillis * 1_000_000L;
        this.abandonNanos = abandonMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /** After Yotpo's 429: no call for this merchant until the given time. */
    public void pauseUntil(String merchantId, Instant until) {
        pausedUntil.merge(merchantId, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** A permit for one call now, or null when the merchant is at its rate or paused. */
    public Permit tryAcquire(String merchantId, int limit) {
        if (paused(merchantId)) {
            return null;
        }
        List<long[]> taken = slots.computeIfAbsent(merchantId, id -> new ArrayList<>());
        synchronized (taken) {
            long now = nanoClock.getAsLong();
            freeExpired(taken, now);
            if (taken.size() >= limit) {
                return null;
            }
            long[] slot = {now, IN_FLIGHT};
            taken.add(slot);
            return new Permit(taken, slot, nanoClock);
        }
    }

    /** How many calls the merchant could make now, without taking any. */
    public int freeSlots(String merchantId, int limit) {
        if (paused(merchantId)) {
            return 0;
        }
        List<long[]> taken = slots.get(merchantId);
        if (taken == null) {
            return limit;
        }
        synchronized (taken) {
            freeExpired(taken, nanoClock.getAsLong());
            return Math.max(0, limit - taken.size());
        }
    }

    private boolean paused(String merchantId) {
        Instant paused = pausedUntil.get(merchantId);
        if (paused != null) {
            if (Instant.now().isBefore(paused)) {
                return true;
            }
            pausedUntil.remove(merchantId, paused);
        }
        return false;
    }

    private void freeExpired(List<long[]> taken, long now) {
        taken.removeIf(slot -> slot[FINISHED] == IN_FLIGHT
                ? now - slot[STARTED] >= abandonNanos
                : now - slot[FINISHED] >= windowNanos);
    }
}
