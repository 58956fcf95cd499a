package me.gocertify.bridge.verification;

/** Where a verification stands. SENDING is internal: an attempt is under way, shown as PENDING. */
public enum VerificationStatus {
    PENDING, SENDING, DELIVERED, FAILED, UNKNOWN, IGNORED;

    public String publicName() {
        return this == SENDING ? PENDING.name() : name();
    }
}
