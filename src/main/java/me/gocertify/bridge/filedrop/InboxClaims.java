package me.gocertify.bridge.filedrop;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import me.gocertify.bridge.store.Jdbc;
import me.gocertify.bridge.store.StoreUnavailable;

/**
 * The inbox's clustered read lock (contract 8): the file consumer's idempotent read lock asks
 * here before it reads a file, so among instances sharing one inbox folder exactly one reads each
 * file. A claim is a row in the store (table inbox_claim) that this instance renews while it reads;
 * an instance that died lets go when its lease runs out (by the database's clock), and another
 * reads the file again from the start (its records already recorded come out duplicates, so nothing
 * is awarded twice). Once the file has moved to .done/ or .failed/ its claim is dropped, so a
 * corrected file dropped under the same name is read again.
 */
public final class InboxClaims extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(InboxClaims.class);

    private final Jdbc jdbc;
    private final CamelContext camel;
    private final Duration lease;
    private final String holder = UUID.randomUUID().toString();
    private ScheduledExecutorService renewals;

    public InboxClaims(Jdbc jdbc, CamelContext camel, Duration lease) {
        this.jdbc = jdbc;
        this.camel = camel;
        this.lease = lease;
    }

    /** Claims the file for this instance: true when no other instance holds a live claim on it. */
    @Override
    public boolean add(String file) {
        String until = Jdbc.nowPlus(lease);
        try {
            if (jdbc.insertUnlessPresent("INSERT INTO inbox_claim (file_key, holder, lease_until) VALUES (?, ?, " + until + ")",
                    file, holder)) {
                return true;
            }
            // the claim of an instance that stopped renewing it is taken over
            return jdbc.update("UPDATE inbox_claim SET holder = ?, lease_until = " + until
                    + " WHERE file_key = ? AND lease_until < CURRENT_TIMESTAMP", holder, file) == 1;
        } catch (StoreUnavailable e) {
            // nothing can be recorded either: the file is read, stops at its first record and goes to
            // .failed/ with a report saying so (the file drop's own rule), never awarding anything twice
            LOG.warn("Inbox file {} read without a claim: the store is unavailable ({})", file, e.getMessage());
            return true;
        }
    }

    @Override
    public boolean contains(String file) {
        return !jdbc.query("SELECT 1 FROM inbox_claim WHERE file_key = ? AND lease_until >= CURRENT_TIMESTAMP",
                row -> 1, file).isEmpty();
    }

    @Override
    public boolean remove(String file) {
        try {
            return jdbc.update("DELETE FROM inbox_claim WHERE file_key = ? AND holder = ?", file, holder) == 1;
        } catch (StoreUnavailable e) {
            return false; // the claim runs out at its lease's end
        }
    }

    /** The file was read and moved out of the inbox: nothing is left to guard. */
    @Override
    public boolean confirm(String file) {
        remove(file);
        return true;
    }

    @Override
    public void clear() {
        jdbc.update("DELETE FROM inbox_claim WHERE holder = ?", holder);
    }

    /** Keeps this instance's claims alive while it reads. */
    void renew() {
        try {
            jdbc.update("UPDATE inbox_claim SET lease_until = " + Jdbc.nowPlus(lease) + " WHERE holder = ?", holder);
        } catch (StoreUnavailable e) {
            LOG.warn("Inbox claims not renewed ({}); another instance may take the files over at their lease's end",
                    e.getMessage());
        }
    }

    @Override
    protected void doStart() {
        renewals = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "inbox-claims");
        long every = Math.max(lease.toMillis() / 3, 100);
        renewals.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (renewals != null) {
            camel.getExecutorServiceManager().shutdownNow(renewals);
            renewals = null;
        }
    }
}
