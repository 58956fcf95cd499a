package me.gocertify.bridge.ops;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import me.gocertify.bridge.filedrop.FileDropProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import me.gocertify.bridge.store.GroupCommit;
import me.gocertify.bridge.store.Jdbc;
import me.gocertify.bridge.verification.Recorded;
import me.gocertify.bridge.web.ClientError;

/**
 * The bridge's business metrics, {@code bridge_*} in /observe/metrics (contract 7). Counters are
 * bumped by the routes and the ledger; the gauges read the store at most once per refresh interval,
 * when scraped, and never spend more than a twentieth of the time reading it (see {@link #READ_SHARE}).
 * Merchant labels only ever carry ids of registered merchants, so a flood of made-up ids cannot grow
 * the label set.
 */
public final class BridgeMetrics implements Consumer<String> {

    static final String OTHER_MERCHANT = "unknown";
    private static final List<String> BREAKER_STATES = List.of("CLOSED", "OPEN", "HALF_OPEN", "FORCED_OPEN");
    private static final int MAX_MERCHANT_LABELS = 1000;
    /**
     * The next read waits at least this many times as long as the last one took. The count and the oldest
     * pending verification's age are read from every entry waiting in the due index, which carries
     * received_at for them since session 30 (migration V4; from the rows themselves a back-log of 1.4
     * million took 5 s of CPU a read, from the index 1.6 s): a read of a second every 5 s would keep a
     * core busy a fifth of the time while a back-log is largest. So a read of 1 s is next repeated 20 s later.
     */
    private static final int READ_SHARE = 20;

    private final MeterRegistry registry;
    private final Jdbc jdbc;
    private final Clock clock;
    private final Duration refresh;
    private final CamelContext camel;
    private volatile Snapshot snapshot;
    /** bridge_webhook_seconds by HTTP status (100 to 599), registered on first use */
    private final AtomicReferenceArray<Timer> webhookTimers = new AtomicReferenceArray<>(600);
    /**
     * bridge_verifications_received and bridge_awards by their labels, registered on first use. Building a
     * meter's id (its tags sorted and merged) and looking it up in the registry was 2.6% of the event loop's
     * time a webhook (BENCHMARKS.md, session 24); the labels are few (registered merchants, and the
     * "unknown" one, times channels and results), and the registry keeps every meter anyway.
     */
    private final Map<List<String>, Counter> receivedCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> awardCounters = new ConcurrentHashMap<>();

    /**
     * What the gauges show, read from the store in one go, and when it is read again. The oldest
     * waiting verification's age is counted at each scrape from when it was received (null: none waits),
     * so it grows between reads as it does in the store.
     */
    private record Snapshot(Instant nextRead, long pending, Instant oldestPending, Set<String> merchants) {
    }

    public BridgeMetrics(MeterRegistry registry, Jdbc jdbc, Clock clock, Duration refresh, CircuitBreaker breaker,
            CamelContext camel) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.clock = clock;
        this.refresh = refresh;
        this.camel = camel;
        // a gauge holds its object weakly by default and reads NaN once it is collected: the registry keeps
        // these metrics alive itself, whoever else lets go of them (a test's gauges read NaN after a GC in CI)
        Gauge.builder("bridge.verifications.pending", this, metrics -> metrics.current().pending())
                .description("Verifications waiting for delivery to Yotpo (PENDING, and attempts under way)")
                .strongReference(true)
                .register(registry);
        Gauge.builder("bridge.verifications.oldest.pending.age", this, BridgeMetrics::oldestPendingAgeSeconds)
                .description("How long ago the oldest verification still waiting for delivery was received")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
        for (String state : BREAKER_STATES) {
            Gauge.builder("bridge.yotpo.circuit.state", breaker, b -> state.equals(b.getState().name()) ? 1 : 0)
                    .description("1 for the Yotpo circuit breaker's current state, 0 for the others")
                    .tag("state", state)
                    .register(registry);
        }
        FunctionCounter.builder("bridge.file.drop.records.read", this, m -> m.fileDrop(true))
                .description("Records read from inbox files")
                .register(registry);
        FunctionCounter.builder("bridge.file.drop.records.refused", this, m -> m.fileDrop(false))
                .description("Records of inbox files refused by the rules")
                .register(registry);
    }

    /**
     * The embedded store's shared commits: how many, how many writes they carried (their ratio: writes a
     * commit), and the writer's time in them and in compaction (their rate together: how busy it is).
     */
    public static void groupCommits(MeterRegistry registry, GroupCommit groupCommit) {
        FunctionCounter.builder("bridge.store.commits", groupCommit, GroupCommit::commits)
                .description("Transactions the embedded store's writer committed, each holding the writes that arrived together")
                .register(registry);
        FunctionCounter.builder("bridge.store.commit.writes", groupCommit, GroupCommit::writes)
                .description("Writes (webhooks' inserts, claims, outcomes) committed by the embedded store's writer")
                .register(registry);
        FunctionCounter.builder("bridge.store.committing.seconds", groupCommit, GroupCommit::committingSeconds)
                .description("Time the embedded store's writer spent running and committing transactions")
                .register(registry);
        FunctionCounter.builder("bridge.store.compacting.seconds", groupCommit, GroupCommit::compactingSeconds)
                .description("Time the embedded store's writer spent compacting the store's file between commits")
                .register(registry);
    }

    /** After the recording step: counts the verification by merchant, channel and result. */
    public void received(Recorded recorded, Exchange exchange) {
        count(recorded.merchantId(), channel(exchange), recorded.result().name().toLowerCase(Locale.ROOT));
    }

    /**
     * On a refused webhook (the http-answers error handler): counts it as refused, or unavailable when the
     * store failed, labelled with its merchant when registered. Answers true once counted; false, and
     * nothing counted, only when {@code mayReadStore} is false and the registered merchants were read
     * longer than the refresh interval ago.
     */
    public boolean refused(Exchange exchange, boolean mayReadStore, String merchantId, Exception cause) {
        if (!"webhook".equals(channel(exchange))) {
            return true;
        }
        Snapshot read = mayReadStore ? current() : fresh(snapshot, clock.instant());
        if (read == null) {
            return false;
        }
        countRefused(merchantId, cause, read);
        return true;
    }

    private void countRefused(String merchantId, Exception cause, Snapshot read) {
        String merchant = merchantId != null && read.merchants().contains(merchantId) ? merchantId : OTHER_MERCHANT;
        count(merchant, "webhook", cause instanceof ClientError ? "refused" : "unavailable");
    }

    /** A request to the webhook's path was answered with this status, this long after it came ({@link WebhookTiming}). */
    public void webhookAnswered(int status, long nanos) {
        if (status < 100 || status >= webhookTimers.length()) {
            return;
        }
        Timer timer = webhookTimers.get(status);
        if (timer == null) {
            // a timer a status, found once: building its id each time would cost every webhook a lookup
            timer = Timer.builder("bridge.webhook")
                    .description("Webhooks from their request to their answer, by the answer's HTTP status")
                    .tag("status", String.valueOf(status))
                    .register(registry);
            webhookTimers.set(status, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A delivery attempt settled in the ledger: delivered, failed, unknown, retry or held_by_breaker. */
    @Override
    public void accept(String outcome) {
        awardCounters.computeIfAbsent(outcome, label -> Counter.builder("bridge.awards")
                .description("Delivery attempts to Yotpo by outcome")
                .tag("outcome", outcome)
                .register(registry))
                .increment();
    }

    private void count(String merchant, String channel, String result) {
        receivedCounters.computeIfAbsent(List.of(merchant, channel, result), labels -> Counter.builder("bridge.verifications.received")
                .description("Verifications received, by merchant, channel (webhook, file) and result")
                .tag("merchant", merchant)
                .tag("channel", channel)
                .tag("result", result)
                .register(registry))
                .increment();
    }

    private static String channel(Exchange exchange) {
        Endpoint from = exchange.getFromEndpoint();
        String uri = from == null ? "" : from.getEndpointUri();
        if (uri.startsWith("platform-http:")) {
            return uri.contains("/api/v1/merchants/") ? "webhook" : "http";
        }
        int colon = uri.indexOf(':');
        return colon > 0 ? uri.substring(0, colon) : "other";
    }

    private double fileDrop(boolean read) {
        Object bean = camel.getRegistry().lookupByName("fileDropProgress");
        if (bean instanceof FileDropProgress progress) {
            return read ? progress.recordsRecorded() + progress.recordsRejected() : progress.recordsRejected();
        }
        return 0;
    }

    private double oldestPendingAgeSeconds() {
        Instant oldest = current().oldestPending();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }

    private Snapshot current() {
        Snapshot last = snapshot;
        Instant now = clock.instant();
        if (fresh(last, now) != null) {
            return last;
        }
        synchronized (this) {
            if (snapshot != last) {
                return snapshot;
            }
            try {
                snapshot = read(now);
            } catch (RuntimeException e) {
                // the store is down: the health check says so; the metrics keep their last values
                snapshot = last == null ? new Snapshot(now.plus(refresh), 0, null, Set.of()) : new Snapshot(now.plus(refresh),
                        last.pending(), last.oldestPending(), last.merchants());
            }
            return snapshot;
        }
    }

    /** The snapshot while it is not due to be read again, else null. */
    private static Snapshot fresh(Snapshot snapshot, Instant now) {
        return snapshot != null && snapshot.nextRead().isAfter(now) ? snapshot : null;
    }

    /** @param now when the read begins: the next waits from here */
    private Snapshot read(Instant now) {
        Object[] waiting = jdbc.query("SELECT COUNT(*), MIN(received_at) FROM verification WHERE status IN ('PENDING', 'SENDING')",
                row -> new Object[] {row.getLong(1), row.getTimestamp(2)}).get(0);
        Set<String> merchants = Set.copyOf(jdbc.query("SELECT merchant_id FROM merchant ORDER BY merchant_id FETCH FIRST "
                + MAX_MERCHANT_LABELS + " ROWS ONLY", row -> row.getString(1)));
        Duration spaced = Duration.between(now, clock.instant()).multipliedBy(READ_SHARE);
        Duration wait = spaced.compareTo(refresh) > 0 ? spaced : refresh;
        Instant oldest = waiting[1] == null ? null : ((java.sql.Timestamp) waiting[1]).toInstant();
        return new Snapshot(now.plus(wait), (Long) waiting[0], oldest, merchants);
    }
}
