package me.gocertify.bridge.yotpo;

/** Yotpo-wide trouble (5xx, 408): counted by the circuit breaker, retried later. */
public final class YotpoUnavailable extends RuntimeException {

    private final int status;

    public YotpoUnavailable(int status) {
        super("Yotpo answered " + status, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
