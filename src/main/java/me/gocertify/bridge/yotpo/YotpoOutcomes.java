package me.gocertify.bridge.yotpo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.RuntimeCamelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import me.gocertify.bridge.delivery.MerchantRateLimiter;
import me.gocertify.bridge.delivery.RetryPolicy;
import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.verification.Delivery;
import me.gocertify.bridge.verification.Ledger;

/** Writes what Yotpo's answer (or the lack of one) means into the ledger (contract 5). */
public final class YotpoOutcomes {

    /** The exchange property where the breaker's fallback keeps the failed call's fault (see raiseFault). */
    public static final String FAULT = "yotpoFault";

    private static final Logger LOG = LoggerFactory.getLogger(YotpoOutcomes.class);

    private final Ledger ledger;
    private final RetryPolicy retries;
    private final MerchantRateLimiter rateLimiter;
    private final Clock clock;
    private final Duration breakerWait;
    private final Duration historyDelay;

    /**
     * @param breakerWait how long a verification held by the open breaker waits
     * @param historyDelay how long after an unknown outcome Yotpo's history is first asked
     */
    public YotpoOutcomes(Ledger ledger, RetryPolicy retries, MerchantRateLimiter rateLimiter, Clock clock,
            Duration breakerWait, Duration historyDelay) {
        this.ledger = ledger;
        this.retries = retries;
        this.rateLimiter = rateLimiter;
        this.clock = clock;
        this.breakerWait = breakerWait;
        this.historyDelay = historyDelay;
    }

    /** Inside the circuit breaker: Yotpo-wide trouble fails the call so the breaker counts it; 4xx never does. */
    public void raiseIfYotpoDown(int status) {
        if (status >= 500 || status == 408) {
            throw new YotpoUnavailable(status);
        }
    }

    /**
     * In the breaker's fallback: the fault of the failed call, or, when the open breaker refused the
     * call (Camel then leaves no exception behind), a {@link YotpoBreakerOpen}.
     */
    public Exception faultOf(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) {
        return cause != null ? cause : new YotpoBreakerOpen();
    }

    /** After the breaker: throws the fault its fallback remembered, for the route's error handler to settle. */
    public void raiseFault(Exception cause) throws Exception {
        if (cause == null) {
            return;
        }
        Throwable fault = cause;
        while (fault instanceof RuntimeCamelException && fault.getCause() != null) {
            fault = fault.getCause();
        }
        throw fault instanceof Exception e ? e : new IllegalStateException(fault);
    }

    /** Yotpo answered (not 5xx or 408): delivered, failed for good, or retried as its rate limit asks. */
    public void answered(Delivery delivery, Merchant merchant, String actionName, int status, String retryAfter,
            String rateLimitReset, String body) {
        if (status >= 200 && status < 300) {
            ledger.delivered(delivery, actionName, null);
        } else if (status == 429) {
            Instant now = clock.instant();
            Instant until = waitUntil(retryAfter, rateLimitReset, now);
            // the whole merchant waits, on every instance, so its other verifications do not hammer Yotpo meanwhile
            rateLimiter.pauseFor(delivery.merchantId(), Duration.between(now, until));
            retry(delivery, "Yotpo answered 429 (rate limited)", until);
        } else {
            ledger.failed(delivery, "Yotpo answered " + status + ": " + redacted(body, merchant));
        }
    }

    /** Yotpo's history shows the award (the earlier attempt did reach it: DELIVERED), or not (PENDING again). */
    public void settleFromHistory(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery,
            @ExchangeProperty(YotpoCall.ACTION_NAME) String actionName,
            @ExchangeProperty(YotpoHistory.ALREADY_AWARDED) boolean awarded) {
        if (awarded) {
            ledger.delivered(delivery, actionName, "confirmed from Yotpo's customer history");
        } else {
            ledger.notAwarded(delivery);
        }
    }

    /** 5xx, 408, or no connection: nothing was processed, so the same call is made again later. */
    public void unavailable(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) {
        retry(delivery, describe(cause), null);
    }

    /** The request went out but no answer came back: Yotpo may have awarded it, so it is not re-sent blindly. */
    public void unknown(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) {
        ledger.unknown(delivery, "no answer from Yotpo (" + describe(cause) + "); it may or may not have been awarded",
                clock.instant().plus(historyDelay));
    }

    /** Yotpo's history could not be read: still UNKNOWN, asked again later, then left to an operator. */
    public void historyUnreadable(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) {
        Instant now = clock.instant();
        ledger.stillUnknown(delivery, "outcome unknown; Yotpo's history could not be read (" + describe(cause) + ")",
                retries.next(delivery.attempts(), now, now, null).orElse(now.plus(historyDelay)));
    }

    /** The breaker is open: no call was made, the verification waits as PENDING (a history check still comes first). */
    public void heldByBreaker(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery) {
        ledger.release(delivery, clock.instant().plus(breakerWait), "Yotpo circuit breaker open; waiting");
    }

    /**
     * The store failed during the attempt, before the call or while its outcome was being written: nothing
     * can be written now, and whether the call went out is not known here. The verification stays
     * SENDING until its lease ends, then Yotpo's history settles it, as after a crash: neither lost nor
     * awarded twice (and never a dead letter saying "not sent" for a call that went out).
     */
    public void storeFailed(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) {
        LOG.warn("Verification {} of merchant {}: the store failed during its attempt ({}); Yotpo's history settles it"
                + " once its lease ends", delivery.verificationId(), delivery.merchantId(), describeWithRoot(cause));
    }

    /** Something on our side stopped the attempt before the call: nothing was sent, an operator must look. */
    public void notSent(@ExchangeProperty(YotpoCall.DELIVERY) Delivery delivery,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause) {
        LOG.warn("Verification {} of merchant {} FAILED before its call: {}", delivery.verificationId(), delivery.merchantId(),
                describeWithRoot(cause));
        ledger.failed(delivery, "not sent: " + describe(cause));
    }

    private void retry(Delivery delivery, String reason, Instant notBefore) {
        Instant now = clock.instant();
        retries.next(delivery.attempts(), delivery.receivedAt(), now, notBefore).ifPresentOrElse(
                when -> ledger.retryAt(delivery, when, reason),
                () -> ledger.failed(delivery, "expired: " + reason));
    }

    static Instant waitUntil(String retryAfter, String rateLimitReset, Instant now) {
        for (String header : new String[] {retryAfter, rateLimitReset}) {
            if (header == null || header.isBlank()) {
                continue;
            }
            String value = header.trim();
            if (value.chars().allMatch(Character::isDigit) && value.length() < 10) {
                return now.plusSeconds(Long.parseLong(value));
            }
            try {
                return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                // not a date either: ignore this header
            }
        }
        return now.plusSeconds(1);
    }

    /**
     * For a log line: the exception and, if another lies beneath it, the deepest cause, each as
     * {@link #describe} gives it. No stack trace: the texts of a library's nested causes were never
     * checked for credentials.
     */
    private static String describeWithRoot(Exception cause) {
        Throwable root = cause;
        while (root != null && root.getCause() instanceof Exception deeper) {
            root = deeper;
        }
        return root == cause ? describe(cause) : describe(cause) + " (caused by " + describe((Exception) root) + ")";
    }

    private static String describe(Exception cause) {
        if (cause == null) {
            return "unknown error";
        }
        // the class name and the library's message, which names the host but never a credential
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + truncate(message, 200));
    }

    private static String redacted(String body, Merchant merchant) {
        String text = body == null ? "" : truncate(body.replaceAll("[\\p{Cntrl}]", " "), 300);
        if (merchant != null) {
            text = text.replace(merchant.yotpoApiKey(), "****").replace(merchant.yotpoGuid(), "****");
        }
        return text;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }
}
