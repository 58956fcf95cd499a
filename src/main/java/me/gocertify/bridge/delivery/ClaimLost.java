package me.gocertify.bridge.delivery;

import me.gocertify.bridge.verification.Delivery;

/** An attempt's lease ran out before its call went out: nothing is sent, the verification is someone else's now. */
public final class ClaimLost extends RuntimeException {

    public ClaimLost(Delivery delivery) {
        super(delivery + " waited past its lease; no call made");
    }
}
