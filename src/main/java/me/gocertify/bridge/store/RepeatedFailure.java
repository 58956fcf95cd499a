package me.gocertify.bridge.store;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * A failure that comes back at every pass while the store fails (its disk full, say), logged as one WARN line at
 * most once a minute, with how many times it happened since the last line: a loop that tries twice a second
 * would otherwise log twice a second for as long as the outage lasts. While the disk is full H2 closes the
 * database at each failed write and the pool opens it again (Database), so passes that read succeed in between:
 * a "said once until it works again" flag would be reset at every one of them.
 */
public final class RepeatedFailure {

    private static final long EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final String what;
    private final LongSupplier nanoTime;
    private long lastSaidNanos;
    private boolean said;
    private long since;

    /** @param what what failed and what happens next, the start of the WARN line */
    public RepeatedFailure(Logger log, String what) {
        this(log, what, System::nanoTime);
    }

    RepeatedFailure(Logger log, String what, LongSupplier nanoTime) {
        this.log = log;
        this.what = what;
        this.nanoTime = nanoTime;
    }

    /** One more failure: logged if none was in the last minute. */
    public synchronized void happened(Exception e) {
        long now = nanoTime.getAsLong();
        if (said && now - lastSaidNanos < EVERY_NANOS) {
            since++;
            return;
        }
        if (since == 0) {
            log.warn("{}: {} (while it lasts, said at most once a minute)", what, e.getMessage());
        } else {
            log.warn("{}: {} (and {} more times since this was last said, a minute or more ago)", what, e.getMessage(), since);
        }
        said = true;
        lastSaidNanos = now;
        since = 0;
    }
}
