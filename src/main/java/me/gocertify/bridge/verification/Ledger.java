package me.gocertify.bridge.verification;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.camel.Body;

import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.store.Jdbc;
import me.gocertify.bridge.verification.Recorded.Result;

/**
 * The verification ledger: records each (merchant, verification_id) once, and is the delivery
 * queue. A row is PENDING until an attempt claims it (SENDING, with a lease), and the attempt's
 * outcome moves it on. Every change is a single conditional UPDATE, so two deliverers (threads or
 * instances) can never both claim or both settle one verification. Whether a row is due and whether
 * a lease has run out is judged by the database's clock (CURRENT_TIMESTAMP), the one clock every
 * instance shares; a settlement names the attempt it settles, so a deliverer whose lease ran out
 * and whose verification was taken up elsewhere cannot overwrite the newer attempt.
 */
public final class Ledger {

    /** A new verification's row, built once (it is written for every webhook and every file record). */
    private static final String INSERT_DUE_NOW = insertWithNextAttempt("CURRENT_TIMESTAMP");
    private static final String INSERT_NOT_DUE = insertWithNextAttempt("NULL");
    private static final String DELIVERY_COLUMNS =
            "merchant_id, verification_id, campaign, email, verified_at, received_at, attempts, check_first";
    /**
     * The merchant's counts by status, one count a status, each a range of the due index (status,
     * merchant_id, ...) counted without reading its rows. Grouping the merchant's rows by status read every
     * one of them, found by the primary key: for a merchant of 534,000 verifications on H2, 1.1 to 1.4 s a
     * call, against 0.34 to 0.37 s from the index (BENCHMARKS.md, session 30).
     */
    private static final String COUNTS_BY_STATUS_SQL = Arrays.stream(VerificationStatus.values())
            .map(status -> "SELECT '" + status + "', COUNT(*) FROM verification WHERE status = '" + status + "' AND merchant_id = ?")
            .collect(Collectors.joining(" UNION ALL "));

    private final Jdbc jdbc;
    private final String claimSql;
    private final String claimAsReadSql;
    private final String renewSql;
    private final Clock clock;
    private final int historyChecks;
    private final Consumer<String> settled;
    private final long unrenewedNanos;

    public Ledger(Jdbc jdbc, Clock clock, Duration lease, int historyChecks, Consumer<String> settled) {
        this(jdbc, clock, lease, Duration.ZERO, historyChecks, settled);
    }

    /**
     * @param lease how long an attempt may take before it is judged interrupted
     * @param unrenewed a claim younger than this still has most of its lease, so {@link #holdClaim} need
     *        not renew it (zero: always renewed); keep the rest of the lease well above a call's timeouts
     * @param historyChecks how often Yotpo's history is asked about an UNKNOWN verification before
     *        it is left to an operator
     * @param settled told each settled attempt's outcome (delivered, failed, unknown, retry, held_by_breaker)
     */
    public Ledger(Jdbc jdbc, Clock clock, Duration lease, Duration unrenewed, int historyChecks, Consumer<String> settled) {
        this.jdbc = jdbc;
        this.unrenewedNanos = unrenewed.toNanos();
        this.clock = clock;
        this.historyChecks = historyChecks;
        this.settled = settled;
        // One row, found by its primary key. The due test is wrapped in IS TRUE so no index can serve it:
        // written plainly, H2 planned this on a new store with the index (status, merchant_id, next_attempt_at)
        // and kept the plan, so every claim read the merchant's whole back-log (37,000 rows in a benchmark).
        this.claimSql = "UPDATE verification SET status = 'SENDING', attempts = attempts + 1, lease_until = " + Jdbc.nowPlus(lease)
                + " WHERE merchant_id = ? AND verification_id = ?"
                + " AND (status IN ('PENDING', 'UNKNOWN') AND next_attempt_at <= CURRENT_TIMESTAMP) IS TRUE";
        // claimDue's claim: the row only as it was read (same attempt, same check_first)
        this.claimAsReadSql = claimSql + " AND attempts = ? AND check_first = ?";
        this.renewSql = "UPDATE verification SET lease_until = " + Jdbc.nowPlus(lease) + " WHERE merchant_id = ?"
                + " AND verification_id = ? AND status = 'SENDING' AND attempts = ? AND lease_until > CURRENT_TIMESTAMP";
    }

    /** The statement that claims one verification (its plan is tested). */
    String claimStatement() {
        return claimSql;
    }

    /** Records the verification unless the merchant already has its id; a new verified one is queued in the same row. */
    public Recorded recordOnce(VerificationEvent event, Merchant merchant) {
        Jdbc.Statement insert = insert(event, merchant, clock.instant());
        return recorded(event, jdbc.insertTogetherUnlessPresent(insert.sql(), insert.parameters()));
    }

    /**
     * {@link #recordOnce}'s answer to come, once its commit is done (on the store's writer thread), for a
     * caller that must not wait; null when the store has no group commit (then {@link #recordOnce} it is).
     */
    public CompletableFuture<Recorded> recordOnceLater(VerificationEvent event, Merchant merchant) {
        Jdbc.Statement insert = insert(event, merchant, clock.instant());
        CompletableFuture<Boolean> inserted = jdbc.insertTogetherUnlessPresentLater(insert.sql(), insert.parameters());
        return inserted == null ? null : inserted.thenApply(done -> recorded(event, done));
    }

    /**
     * Records each as {@link #recordOnce} does, in their order (of two with one id the first is
     * recorded, the second is a duplicate) and in one transaction: a batch of a dropped file shares a
     * commit, and is recorded whole or not at all.
     */
    public List<Recorded> recordAll(@Body List<Admitted> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        boolean[] inserted = jdbc.insertAllUnlessPresent(
                batch.stream().map(admitted -> insert(admitted.event(), admitted.merchant(), now)).toList());
        List<Recorded> recorded = new ArrayList<>(batch.size());
        for (int i = 0; i < inserted.length; i++) {
            recorded.add(recorded(batch.get(i).event(), inserted[i]));
        }
        return recorded;
    }

    /** The row of a new verification: PENDING and due now if it earns points, else IGNORED. */
    private static Jdbc.Statement insert(VerificationEvent event, Merchant merchant, Instant now) {
        VerificationStatus status = event.earnsPoints() ? VerificationStatus.PENDING : VerificationStatus.IGNORED;
        return new Jdbc.Statement(event.earnsPoints() ? INSERT_DUE_NOW : INSERT_NOT_DUE,
                event.merchantId(), event.verificationId(), event.campaign(), event.email(), event.verifiedAt(),
                status.name(), merchant.actionNameFor(event.campaign()), now);
    }

    private static String insertWithNextAttempt(String nextAttemptAt) {
        return "INSERT INTO verification (merchant_id, verification_id, campaign, email, verified_at, status, action_name,"
                + " attempts, received_at, next_attempt_at, check_first, checks_failed)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, " + nextAttemptAt + ", FALSE, 0)";
    }

    private static Recorded recorded(VerificationEvent event, boolean inserted) {
        Result result = !inserted ? Result.DUPLICATE : event.earnsPoints() ? Result.ACCEPTED : Result.IGNORED;
        return new Recorded(event.merchantId(), event.verificationId(), result);
    }

    /**
     * Claims one verification for an attempt if it is due (a PENDING one, or an UNKNOWN one due for
     * a look at Yotpo's history); empty when someone else has it or it is not due. The claim is
     * written before any call goes out, so a crash mid-call is recognised at its lease's end.
     */
    public Optional<Delivery> claim(String merchantId, String verificationId) {
        long claimedNanos = System.nanoTime();
        return jdbc.inSharedTransaction(c -> {
            int claimed = Jdbc.update(c, claimSql, merchantId, verificationId);
            return claimed == 0 ? Optional.<Delivery>empty()
                    : Jdbc.query(c, "SELECT " + DELIVERY_COLUMNS + " FROM verification WHERE merchant_id = ? AND verification_id = ?",
                            row -> delivery(row, claimedNanos), merchantId, verificationId).stream().findFirst();
        });
    }

    /**
     * Claims up to its limit of each merchant's due verifications, oldest first, all in one transaction: a
     * claim pass over every merchant that waits costs one commit, not one a merchant waited for in turn while
     * the deliverers ran out of work (BENCHMARKS.md, session 20). On PostgreSQL, rows another instance is
     * claiming at this moment are skipped (FOR UPDATE SKIP LOCKED), so instances polling together share the
     * back-log instead of queueing on each other's row locks. On H2 the claims share their commit with the
     * outcomes being written meanwhile.
     *
     * @param limits how many at most for each merchant
     * @return what was claimed, by merchant (a merchant without any is left out)
     */
    public Map<String, List<Delivery>> claimDue(Map<String, Integer> limits) {
        long claimedNanos = System.nanoTime();
        return jdbc.inSharedTransaction(c -> {
            Map<String, List<Delivery>> claimed = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> merchant : limits.entrySet()) {
                List<Delivery> ofMerchant = claimDue(c, merchant.getKey(), merchant.getValue(), claimedNanos);
                if (!ofMerchant.isEmpty()) {
                    claimed.put(merchant.getKey(), ofMerchant);
                }
            }
            return claimed;
        });
    }

    private List<Delivery> claimDue(Connection c, String merchantId, int limit, long claimedNanos) throws SQLException {
        if (limit <= 0) {
            return List.of();
        }
        // one read per status, each in the order of the index (status, merchant_id, next_attempt_at), so
        // only the first rows are read whatever the back-log (an IN over both statuses sorted all of it)
        List<Map.Entry<Instant, Delivery>> due = new ArrayList<>();
        for (String status : new String[] {"PENDING", "UNKNOWN"}) {
            due.addAll(Jdbc.query(c, "SELECT next_attempt_at, " + DELIVERY_COLUMNS + " FROM verification WHERE status = '" + status + "'"
                    + " AND merchant_id = ? AND next_attempt_at <= CURRENT_TIMESTAMP"
                    // the limit a parameter, so the statement's text (and H2's parsed copy of it) is always the same
                    + " ORDER BY status, merchant_id, next_attempt_at FETCH FIRST ? ROWS ONLY" + jdbc.skipLocked(c),
                    row -> Map.entry(Jdbc.instant(row, "next_attempt_at"), delivery(row, claimedNanos)), merchantId, limit));
        }
        due.sort(Map.Entry.comparingByKey());
        List<Delivery> claimed = new ArrayList<>();
        for (Map.Entry<Instant, Delivery> next : due.subList(0, Math.min(limit, due.size()))) {
            Delivery read = next.getValue();
            // the row is claimed only as it was read (same attempt, same check_first), so what was read is what
            // was claimed, with one more attempt: on H2 nothing locked it between the read and this update
            if (Jdbc.update(c, claimAsReadSql, merchantId, read.verificationId(), read.attempts(), read.checkFirst()) == 1) {
                claimed.add(read.nextAttempt());
            }
        }
        return claimed;
    }

    /**
     * Just before the call goes out: true, with the lease renewed, while this attempt still holds
     * its claim; false when the lease ran out meanwhile (the verification may already be with
     * another deliverer), and then no call may be made.
     */
    public boolean holdClaim(Delivery delivery) {
        if (System.nanoTime() - delivery.claimedNanos() < unrenewedNanos) {
            // the lease, judged by the database's clock from after claimedNanos, has most of its time left
            return true;
        }
        return jdbc.update(renewSql, delivery.merchantId(), delivery.verificationId(), delivery.attempts()) == 1;
    }

    /**
     * The merchants that have verifications due for an attempt. One index look-up per merchant and
     * status, so a back-log of any size costs the same (a DISTINCT over the queue read all of it).
     */
    public List<String> merchantsWithDue() {
        // one EXISTS per status, each answered from the index (status, merchant_id, next_attempt_at)
        return jdbc.query("SELECT m.merchant_id FROM merchant m WHERE"
                        + " EXISTS (SELECT 1 FROM verification v WHERE v.status = 'PENDING' AND v.merchant_id = m.merchant_id"
                        + " AND v.next_attempt_at <= CURRENT_TIMESTAMP)"
                        + " OR EXISTS (SELECT 1 FROM verification v WHERE v.status = 'UNKNOWN' AND v.merchant_id = m.merchant_id"
                        + " AND v.next_attempt_at <= CURRENT_TIMESTAMP)",
                row -> row.getString(1));
    }

    /**
     * Attempts whose lease ran out (their deliverer died mid-call) cannot be judged: they become
     * UNKNOWN, due at once for a look at Yotpo's history.
     */
    public int expireLeases() {
        int expired = jdbc.update("UPDATE verification SET status = 'UNKNOWN', failed_at = CURRENT_TIMESTAMP,"
                        + " next_attempt_at = CURRENT_TIMESTAMP, check_first = TRUE, lease_until = NULL,"
                        + " last_error = 'the attempt was interrupted; Yotpo may or may not have received it'"
                        + " WHERE status = 'SENDING' AND lease_until < CURRENT_TIMESTAMP");
        for (int i = 0; i < expired; i++) {
            settled.accept("unknown");
        }
        return expired;
    }

    public void delivered(Delivery delivery, String actionName, String note) {
        settle(delivery, "delivered", "status = 'DELIVERED', delivered_at = ?, last_error = ?, action_name = ?, check_first = FALSE",
                clock.instant(), note, actionName);
    }

    public void failed(Delivery delivery, String reason) {
        settle(delivery, "failed", "status = 'FAILED', failed_at = ?, last_error = ?, check_first = FALSE, next_attempt_at = NULL",
                clock.instant(), reason);
    }

    /** The call went out but its outcome is unknown: Yotpo's history is asked at {@code checkAt}, never a blind re-send. */
    public void unknown(Delivery delivery, String reason, Instant checkAt) {
        settle(delivery, "unknown", "status = 'UNKNOWN', failed_at = ?, last_error = ?, check_first = TRUE, next_attempt_at = ?",
                clock.instant(), reason, checkAt);
    }

    /**
     * Yotpo's history could not be read: the verification stays UNKNOWN, asked again at
     * {@code checkAt} until the checks run out, then left to an operator (no next attempt).
     */
    public void stillUnknown(Delivery delivery, String reason, Instant checkAt) {
        settle(delivery, "still_unknown", "status = 'UNKNOWN', last_error = ?, checks_failed = checks_failed + 1,"
                        + " next_attempt_at = CASE WHEN checks_failed + 1 >= ? THEN NULL ELSE CAST(? AS TIMESTAMP WITH TIME ZONE) END",
                reason, historyChecks, checkAt);
    }

    /** Yotpo's history shows no award for an attempt of unknown outcome: PENDING again, sent anew. */
    public void notAwarded(Delivery delivery) {
        settle(delivery, "not_awarded", "status = 'PENDING', next_attempt_at = CURRENT_TIMESTAMP, check_first = FALSE,"
                + " checks_failed = 0, last_error = ?", "not in Yotpo's customer history; sending again");
    }

    public void retryAt(Delivery delivery, Instant when, String reason) {
        settle(delivery, "retry", "status = 'PENDING', next_attempt_at = ?, last_error = ?", when, reason);
    }

    /** Hands a claimed verification back untouched: no call went out, so the attempt does not count. */
    public void release(Delivery delivery, Instant when, String reason) {
        settle(delivery, "held_by_breaker", "status = 'PENDING', attempts = attempts - 1, next_attempt_at = ?, last_error = ?",
                when, reason);
    }

    private void settle(Delivery delivery, String outcome, String assignments, Object... values) {
        Object[] parameters = new Object[values.length + 3];
        System.arraycopy(values, 0, parameters, 0, values.length);
        parameters[values.length] = delivery.merchantId();
        parameters[values.length + 1] = delivery.verificationId();
        parameters[values.length + 2] = delivery.attempts();
        // attempts names the claim: a later claim of the same row (after this one's lease ran out) is left alone
        String sql = "UPDATE verification SET lease_until = NULL, " + assignments
                + " WHERE merchant_id = ? AND verification_id = ? AND status = 'SENDING' AND attempts = ?";
        Jdbc.Work<Integer> write = c -> Jdbc.update(c, sql, parameters);
        // the call is over: its rate slot starts its window in the same commit as the outcome
        int changed = delivery.permit() == null ? jdbc.inSharedTransaction(write) : delivery.permit().finishedWith(write);
        if (changed == 1) {
            settled.accept(outcome);
        }
    }

    /** The admin view of one verification (contract 4). */
    public Optional<Map<String, Object>> view(String merchantId, String verificationId) {
        return jdbc.query("SELECT merchant_id, verification_id, status, action_name, attempts, last_error, received_at,"
                        + " delivered_at FROM verification WHERE merchant_id = ? AND verification_id = ?",
                row -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("merchant_id", row.getString("merchant_id"));
                    view.put("verification_id", row.getString("verification_id"));
                    view.put("status", VerificationStatus.valueOf(row.getString("status")).publicName());
                    view.put("action_name", row.getString("action_name"));
                    view.put("attempts", row.getInt("attempts"));
                    view.put("last_error", row.getString("last_error"));
                    view.put("received_at", text(Jdbc.instant(row, "received_at")));
                    view.put("delivered_at", text(Jdbc.instant(row, "delivered_at")));
                    return view;
                }, merchantId, verificationId).stream().findFirst();
    }

    /** How many of the merchant's verifications stand in each public status (those with none left out). */
    public Map<String, Integer> countsByStatus(String merchantId) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Map.Entry<String, Integer> count : jdbc.query(COUNTS_BY_STATUS_SQL, row -> Map.entry(row.getString(1), row.getInt(2)),
                Collections.nCopies(VerificationStatus.values().length, merchantId).toArray())) {
            if (count.getValue() > 0) {
                counts.merge(VerificationStatus.valueOf(count.getKey()).publicName(), count.getValue(), Integer::sum);
            }
        }
        return counts;
    }

    /** Every FAILED and UNKNOWN verification, of one merchant or of all. */
    public List<Map<String, Object>> deadLetters(String merchantId) {
        String where = "status IN ('FAILED', 'UNKNOWN')" + (merchantId == null ? "" : " AND merchant_id = ?");
        Object[] parameters = merchantId == null ? new Object[0] : new Object[] {merchantId};
        return jdbc.query("SELECT merchant_id, verification_id, status, last_error, attempts, failed_at FROM verification"
                + " WHERE " + where + " ORDER BY failed_at, merchant_id, verification_id FETCH FIRST 1000 ROWS ONLY", row -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("merchant_id", row.getString("merchant_id"));
                    item.put("verification_id", row.getString("verification_id"));
                    item.put("status", row.getString("status"));
                    item.put("reason", row.getString("last_error"));
                    item.put("attempts", row.getInt("attempts"));
                    item.put("failed_at", text(Jdbc.instant(row, "failed_at")));
                    return item;
                }, parameters);
    }

    /**
     * Puts the merchant's FAILED and UNKNOWN verifications (or just one) back to PENDING, due now.
     * An UNKNOWN one keeps check_first, so Yotpo's history is asked before it is sent again.
     */
    public int replay(String merchantId, String verificationId) {
        String one = verificationId == null ? "" : " AND verification_id = ?";
        Object[] parameters = verificationId == null ? new Object[] {merchantId} : new Object[] {merchantId, verificationId};
        return jdbc.update("UPDATE verification SET status = 'PENDING', next_attempt_at = CURRENT_TIMESTAMP, failed_at = NULL,"
                + " checks_failed = 0"
                + " WHERE merchant_id = ? AND status IN ('FAILED', 'UNKNOWN')" + one, parameters);
    }

    private static Delivery delivery(ResultSet row, long claimedNanos) throws SQLException {
        return new Delivery(row.getString("merchant_id"), row.getString("verification_id"), row.getString("campaign"),
                row.getString("email"), Jdbc.instant(row, "verified_at"), Jdbc.instant(row, "received_at"),
                row.getInt("attempts"), row.getBoolean("check_first"), claimedNanos, null);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
