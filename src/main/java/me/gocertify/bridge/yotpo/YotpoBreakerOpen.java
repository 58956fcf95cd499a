package me.gocertify.bridge.yotpo;

/** The Yotpo circuit breaker is open: the call was not made. */
public final class YotpoBreakerOpen extends RuntimeException {

    public YotpoBreakerOpen() {
        super("the Yotpo circuit breaker is open; no call was made", null, false, false);
    }
}
