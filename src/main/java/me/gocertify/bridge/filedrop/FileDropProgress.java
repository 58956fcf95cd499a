package me.gocertify.bridge.filedrop;

import java.util.concurrent.atomic.AtomicLong;

/** Running totals of the file drop, for the metrics: files by outcome, records by outcome, the file under way. */
public final class FileDropProgress {

    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong filesFailed = new AtomicLong();
    private final AtomicLong recordsRecorded = new AtomicLong();
    private final AtomicLong recordsRejected = new AtomicLong();
    private final AtomicLong currentFileRecords = new AtomicLong();
    private volatile String currentFile;

    /** Files moved to .done/: every record accepted, a duplicate or ignored. */
    public long filesDone() {
        return filesDone.get();
    }

    /** Files moved to .failed/ beside their error report. */
    public long filesFailed() {
        return filesFailed.get();
    }

    /** Records that went through the recording step (accepted, duplicate or ignored). */
    public long recordsRecorded() {
        return recordsRecorded.get();
    }

    /** Records named in an error report. */
    public long recordsRejected() {
        return recordsRejected.get();
    }

    /** Records read so far from the file being processed; 0 when none is. */
    public long currentFileRecords() {
        return currentFileRecords.get();
    }

    /** The name of the file being processed, or null. */
    public String currentFile() {
        return currentFile;
    }

    void started(String fileName) {
        currentFile = fileName;
        currentFileRecords.set(0);
    }

    void recorded(long count) {
        recordsRecorded.addAndGet(count);
        currentFileRecords.addAndGet(count);
    }

    void rejected(long count) {
        recordsRejected.addAndGet(count);
        currentFileRecords.addAndGet(count);
    }

    void finished(boolean done) {
        (done ? filesDone : filesFailed).incrementAndGet();
        currentFile = null;
        currentFileRecords.set(0);
    }
}
