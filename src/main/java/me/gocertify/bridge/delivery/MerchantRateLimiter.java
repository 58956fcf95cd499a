package me.gocertify.bridge.delivery;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import me.gocertify.bridge.store.Jdbc;
import me.gocertify.bridge.store.StoreUnavailable;

/**
 * At most {@code limit} calls per merchant in any window of one second, as Yotpo sees them, for
 * every instance of the bridge together. A merchant has {@code limit} slot rows in the store
 * (table rate_slot). A call takes a free slot (one whose busy_until has passed) and holds it from
 * the moment it is permitted until one window after its answer came back: taking it sets
 * busy_until a lease ahead, the answer sets it to the database's now plus the window. The request
 * reached Yotpo somewhere in between, so the next call through that slot, which can only be
 * permitted once the database's clock has passed busy_until, arrives at least a window later,
 * whatever the network, the JVMs and their clocks did meanwhile. All times are the database's
 * (CURRENT_TIMESTAMP), so instances with skewed clocks still agree. A slot taken by an instance
 * that then died frees itself when its lease ends. A refusal never waits: the verification stays
 * due for a later pass, so no thread is parked.
 *
 * <p>After a 429 the whole merchant pauses (merchant.paused_until), for every instance too.
 *
 * <p>On H2 the slots are kept in memory instead ({@link #inMemory}): one process owns an H2 file, so
 * there is no other instance to agree with, and a call's two slot writes (taking and releasing, about
 * a third of the delivery path's work in the store) are saved. The rules are the same.
 */
public final class MerchantRateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(MerchantRateLimiter.class);

    /** One permitted call; {@link #finished()} when its answer (or failure) is in. */
    public static final class Permit {
        private final MerchantRateLimiter limiter;
        private final String merchantId;
        private final int slot;
        /** Who holds the slot row (rate_slot.holder); null for a slot in memory, held by the permit itself. */
        private final String holder;
        private final AtomicBoolean over = new AtomicBoolean();
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(MerchantRateLimiter limiter, String merchantId, int slot, String holder) {
            this.limiter = limiter;
            this.merchantId = merchantId;
            this.slot = slot;
            this.holder = holder;
        }

        /** The call is over: its slot is free again one window from now. False if it was already over. */
        public boolean finished() {
            if (!over.compareAndSet(false, true)) {
                return false;
            }
            if (!released.get()) {
                limiter.release(this, limiter.window);
            }
            return true;
        }

        /**
         * The call is over and {@code work} writes its outcome: the slot's window starts in the same
         * transaction, so the two cost one commit, shared (on H2) with the other deliverers' outcomes
         * written meanwhile. {@link #finished()} still counts the call as over.
         */
        public <T> T finishedWith(Jdbc.Work<T> work) {
            T result;
            if (limiter.local != null) {
                result = limiter.jdbc.inSharedTransaction(work);
                limiter.release(this, limiter.window);
            } else {
                result = limiter.jdbc.inSharedTransaction(c -> {
                    T done = work.run(c);
                    Jdbc.update(c, limiter.releaseSql(limiter.window), merchantId, slot, holder);
                    return done;
                });
            }
            released.set(true);
            return result;
        }

        /** No call was made under this permit after all: its slot is free at once. */
        public void cancel() {
            if (over.compareAndSet(false, true)) {
                limiter.release(this, Duration.ZERO);
            }
        }

        @Override
        public String toString() {
            return "Permit[" + merchantId + " slot " + slot + "]";
        }
    }

    private final Jdbc jdbc;
    private final Duration window;
    /** The slots in memory, or null when they are rows of rate_slot. */
    private final LocalSlots local;
    /** How many slots each merchant is known to have in the store, so a refusal costs one read. */
    private final Map<String, Integer> slotsKnown = new ConcurrentHashMap<>();
    /** Per merchant, the slot after the last one this instance found free: the next search starts there. */
    private final Map<String, Integer> nextSlot = new ConcurrentHashMap<>();
    private final String takeSlot;

    /**
     * @param window the window, one second plus any margin
     * @param abandonAfter after this, a permit never finished (its instance died, an exchange was lost) frees its slot
     */
    public MerchantRateLimiter(Jdbc jdbc, Duration window, Duration abandonAfter) {
        this(jdbc, window, abandonAfter, false);
    }

    /**
     * For a store only this process uses (H2): the slots in memory, on this JVM's clock. Its slots
     * start taken for one window, as those of the process before it may have been; a pause after a
     * 429 is still written to the store, and read from it when a merchant is first asked for.
     */
    public static MerchantRateLimiter inMemory(Jdbc jdbc, Duration window, Duration abandonAfter) {
        return new MerchantRateLimiter(jdbc, window, abandonAfter, true);
    }

    private MerchantRateLimiter(Jdbc jdbc, Duration window, Duration abandonAfter, boolean inMemory) {
        this.jdbc = jdbc;
        this.window = window;
        this.local = inMemory ? new LocalSlots(this, window, abandonAfter) : null;
        // one conditional UPDATE takes a slot: of two instances after the same slot, one wins
        this.takeSlot = "UPDATE rate_slot SET busy_until = " + Jdbc.nowPlus(abandonAfter) + ", holder = ?"
                + " WHERE merchant_id = ? AND busy_until <= CURRENT_TIMESTAMP"
                + " AND NOT EXISTS (SELECT 1 FROM merchant m WHERE m.merchant_id = ? AND m.paused_until > CURRENT_TIMESTAMP)"
                // slots at or above the limit (it was lowered) must all run out before a lower one is used
                + " AND NOT EXISTS (SELECT 1 FROM rate_slot r WHERE r.merchant_id = ? AND r.slot_no >= ?"
                + " AND r.busy_until > CURRENT_TIMESTAMP)";  // then the slot(s): AND slot_no = ? or IN (...)
    }

    /** After Yotpo's 429: no call for this merchant, from any instance, for the given time. */
    public void pauseFor(String merchantId, Duration pause) {
        if (local != null) {
            local.pause(merchantId, pause);
        }
        String until = Jdbc.nowPlus(pause.isNegative() ? Duration.ZERO : pause);
        jdbc.update("UPDATE merchant SET paused_until = " + until + " WHERE merchant_id = ?"
                + " AND (paused_until IS NULL OR paused_until < " + until + ")", merchantId);
    }

    /** A permit for one call now, or null when the merchant is at its rate or paused. */
    public Permit tryAcquire(String merchantId, int limit) {
        List<Permit> permits = tryAcquire(merchantId, limit, 1);
        return permits.isEmpty() ? null : permits.get(0);
    }

    /** Up to {@code wanted} permits now (fewer, or none, when the merchant is near its rate or paused). */
    public List<Permit> tryAcquire(String merchantId, int limit, int wanted) {
        if (wanted <= 0) {
            return List.of();
        }
        if (local != null) {
            return local.take(merchantId, limit, wanted);
        }
        List<Permit> permits = take(merchantId, limit, wanted);
        if (permits.isEmpty() && addMissingSlots(merchantId, limit)) {
            permits = take(merchantId, limit, wanted);
        }
        return permits;
    }

    private List<Permit> take(String merchantId, int limit, int wanted) {
        // a plain read first: a refusal (the usual answer under load) writes nothing. Slots are read in key order
        // from where this instance last took one: those were taken longest ago, so are the likeliest free, and a
        // high limit's busy slots are not read on every take (with 1,000 slots, some hundreds are busy at a time)
        int from = nextSlot.getOrDefault(merchantId, 0);
        from = from >= limit ? 0 : from;
        int candidates = 2 * wanted + 2;
        List<Integer> free = new ArrayList<>(freeSlots(merchantId, from, limit, candidates));
        int last = free.isEmpty() ? -1 : Collections.max(free);
        if (free.size() < candidates && from > 0) {
            List<Integer> wrapped = freeSlots(merchantId, 0, from, candidates - free.size());
            free.addAll(wrapped);
            last = wrapped.isEmpty() ? last : Collections.max(wrapped);
        }
        if (free.isEmpty()) {
            return List.of();
        }
        nextSlot.put(merchantId, last + 1);
        // instances asking at once mostly try different slots
        Collections.shuffle(free);
        String holder = UUID.randomUUID().toString();
        if (wanted == 1) {
            // one slot, tried in turn: another instance may take any one of them at this moment
            for (int slot : free) {
                if (write(takeSlot + " AND slot_no = ?", holder, merchantId, merchantId, merchantId, limit, slot) == 1) {
                    return List.of(new Permit(this, merchantId, slot, holder));
                }
            }
            return List.of();
        }
        List<Integer> tried = free.subList(0, Math.min(wanted, free.size()));
        // the range lets H2 read just those slots by key (an IN list on the key's second column it reads by a scan)
        String slots = " AND slot_no BETWEEN ? AND ? AND slot_no IN (" + String.join(", ", Collections.nCopies(tried.size(), "?")) + ")";
        List<Object> which = new ArrayList<>(2 + tried.size());
        which.add(Collections.min(tried));
        which.add(Collections.max(tried));
        which.addAll(tried);
        // one statement (one commit) takes them all; the holder then tells which it got
        List<Object> parameters = new ArrayList<>(List.of(holder, merchantId, merchantId, merchantId, limit));
        parameters.addAll(which);
        int taken = write(takeSlot + slots, parameters.toArray());
        if (taken == 0) {
            return List.of();
        }
        if (taken == tried.size()) {
            List<Permit> permits = new ArrayList<>(taken);
            tried.forEach(slot -> permits.add(new Permit(this, merchantId, slot, holder)));
            return permits;
        }
        // another instance took some of them meanwhile: read which are ours (by key, not by a scan of the holders)
        List<Object> ours = new ArrayList<>(List.of(merchantId, holder));
        ours.addAll(which);
        return jdbc.query("SELECT slot_no FROM rate_slot WHERE merchant_id = ? AND holder = ?" + slots,
                row -> new Permit(this, merchantId, row.getInt(1), holder), ours.toArray());
    }

    /** Up to {@code max} of the merchant's slots in [from, to) that are free now; none while it is paused. */
    private List<Integer> freeSlots(String merchantId, int from, int to, int max) {
        // no ORDER BY: H2 reads in the key's order anyway, and would sort all of the merchant's slots for it
        return jdbc.query("SELECT slot_no FROM rate_slot WHERE merchant_id = ? AND slot_no >= ? AND slot_no < ?"
                + " AND busy_until <= CURRENT_TIMESTAMP AND NOT EXISTS (SELECT 1 FROM merchant m WHERE m.merchant_id = ?"
                + " AND m.paused_until > CURRENT_TIMESTAMP) FETCH FIRST ? ROWS ONLY",
                row -> row.getInt(1), merchantId, from, to, merchantId, max);
    }

    /** A merchant's slots are made when first needed and when its limit is raised; true when any may have been added. */
    private boolean addMissingSlots(String merchantId, int limit) {
        if (slotsKnown.getOrDefault(merchantId, 0) >= limit) {
            return false;
        }
        Set<Integer> present = new HashSet<>(jdbc.query("SELECT slot_no FROM rate_slot WHERE merchant_id = ? AND slot_no < ?",
                row -> row.getInt(1), merchantId, limit));
        if (present.size() < limit) {
            try {
                jdbc.inTransaction(c -> {
                    try (PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO rate_slot (merchant_id, slot_no, busy_until) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                        for (int slot = 0; slot < limit; slot++) {
                            if (!present.contains(slot)) {
                                insert.setString(1, merchantId);
                                insert.setInt(2, slot);
                                insert.addBatch();
                            }
                        }
                        return insert.executeBatch().length;
                    }
                });
            } catch (StoreUnavailable e) {
                // most likely another thread or instance added them at the same moment: asked again next time
                return true;
            }
        }
        slotsKnown.merge(merchantId, limit, Math::max);
        return true;
    }

    private String releaseSql(Duration after) {
        return "UPDATE rate_slot SET busy_until = " + Jdbc.nowPlus(after) + ", holder = NULL"
                + " WHERE merchant_id = ? AND slot_no = ? AND holder = ?";
    }

    /** One statement; on H2 its commit is shared with the other writes of the delivery path made meanwhile. */
    private int write(String sql, Object... parameters) {
        return jdbc.inSharedTransaction(c -> Jdbc.update(c, sql, parameters));
    }

    private void release(Permit permit, Duration after) {
        if (local != null) {
            local.release(permit, after);
            return;
        }
        try {
            write(releaseSql(after), permit.merchantId, permit.slot, permit.holder);
        } catch (StoreUnavailable e) {
            // the slot stays taken until its lease ends: slower, never faster than the rate
            LOG.warn("{} could not be released ({}); it frees itself at its lease's end", permit, e.getMessage());
        }
    }

    /** The slots of a store only this process uses, in memory: the same rules as rate_slot, no writes. */
    private static final class LocalSlots {

        /** One merchant's slots; guarded by itself. */
        private static final class Merchant {
            long[] busyUntil = new long[0];
            /** The permit each slot is held by, so a permit whose slot was given up and taken again releases nothing. */
            Permit[] holders = new Permit[0];
            long pausedUntil;
            int next;

            Merchant(long pausedUntil) {
                this.pausedUntil = pausedUntil;
            }
        }

        private final MerchantRateLimiter limiter;
        private final long abandonAfterNanos;
        private final long freeFrom;
        private final Map<String, Merchant> merchants = new ConcurrentHashMap<>();

        LocalSlots(MerchantRateLimiter limiter, Duration window, Duration abandonAfter) {
            this.limiter = limiter;
            this.abandonAfterNanos = abandonAfter.toNanos();
            this.freeFrom = System.nanoTime() + window.toNanos();
        }

        List<Permit> take(String merchantId, int limit, int wanted) {
            Merchant merchant = merchant(merchantId);
            synchronized (merchant) {
                long now = System.nanoTime();
                if (merchant.pausedUntil - now > 0) {
                    return List.of();
                }
                if (merchant.busyUntil.length < limit) {
                    int had = merchant.busyUntil.length;
                    merchant.busyUntil = Arrays.copyOf(merchant.busyUntil, limit);
                    merchant.holders = Arrays.copyOf(merchant.holders, limit);
                    Arrays.fill(merchant.busyUntil, had, limit, freeFrom);
                }
                // slots at or above the limit (it was lowered) must all run out before a lower one is used
                for (int slot = limit; slot < merchant.busyUntil.length; slot++) {
                    if (merchant.busyUntil[slot] - now > 0) {
                        return List.of();
                    }
                }
                List<Permit> permits = new ArrayList<>(Math.min(wanted, limit));
                int from = merchant.next >= limit ? 0 : merchant.next;
                for (int i = 0; i < limit && permits.size() < wanted; i++) {
                    int slot = (from + i) % limit;
                    if (merchant.busyUntil[slot] - now <= 0) {
                        Permit permit = new Permit(limiter, merchantId, slot, null);
                        merchant.busyUntil[slot] = now + abandonAfterNanos;
                        merchant.holders[slot] = permit;
                        merchant.next = slot + 1;
                        permits.add(permit);
                    }
                }
                return permits;
            }
        }

        void release(Permit permit, Duration after) {
            Merchant merchant = merchant(permit.merchantId);
            synchronized (merchant) {
                if (merchant.holders[permit.slot] == permit) {
                    merchant.busyUntil[permit.slot] = System.nanoTime() + after.toNanos();
                    merchant.holders[permit.slot] = null;
                }
            }
        }

        void pause(String merchantId, Duration pause) {
            Merchant merchant = merchant(merchantId);
            synchronized (merchant) {
                long until = System.nanoTime() + Math.max(0, pause.toNanos());
                if (until - merchant.pausedUntil > 0) {
                    merchant.pausedUntil = until;
                }
            }
        }

        /** The merchant's slots, made on first use, paused as long as the store says a 429 still pauses it. */
        private Merchant merchant(String merchantId) {
            Merchant merchant = merchants.get(merchantId);
            if (merchant == null) {
                long pausedMillis = limiter.jdbc.query("SELECT DATEDIFF('MILLISECOND', CURRENT_TIMESTAMP, paused_until) FROM merchant"
                        + " WHERE merchant_id = ? AND paused_until > CURRENT_TIMESTAMP", row -> row.getLong(1), merchantId)
                        .stream().findFirst().orElse(0L);
                merchant = merchants.computeIfAbsent(merchantId,
                        id -> new Merchant(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pausedMillis)));
            }
            return merchant;
        }
    }
}
