package me.gocertify.bridge.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential back-off with jitter, within a horizon counted from when the verification arrived. */
public final class RetryPolicy {

    private final Duration initial;
    private final Duration max;
    private final Duration horizon;

    public RetryPolicy(Duration initial, Duration max, Duration horizon) {
        this.initial = initial;
        this.max = max;
        this.horizon = horizon;
    }

    /**
     * When to try again after the given attempt (1 for the first), at least {@code notBefore}
     * (a 429's reset); empty once that lies past the horizon.
     */
    public Optional<Instant> next(int attempt, Instant receivedAt, Instant now, Instant notBefore) {
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 30));
        // "equal jitter": half the delay fixed, half random, so retries of a burst spread out
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        Instant when = now.plusMillis(delay);
        if (notBefore != null && notBefore.isAfter(when)) {
            when = notBefore;
        }
        return when.isAfter(receivedAt.plus(horizon)) ? Optional.empty() : Optional.of(when);
    }
}
