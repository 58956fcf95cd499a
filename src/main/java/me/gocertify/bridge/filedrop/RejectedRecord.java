package me.gocertify.bridge.filedrop;

/** A record of a dropped file that cannot be recorded; the reason goes into the file's error report. */
final class RejectedRecord extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RejectedRecord(String reason) {
        // no stack trace: a bad file may reject a million records, and the reason says it all
        super(reason, null, false, false);
    }
}
