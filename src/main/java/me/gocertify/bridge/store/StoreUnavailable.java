package me.gocertify.bridge.store;

/** The store could not read or commit: the caller answers 503 and the sender retries. */
public final class StoreUnavailable extends RuntimeException {

    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
