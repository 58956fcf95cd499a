package me.gocertify.bridge.filedrop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import me.gocertify.bridge.merchant.Merchant;

/**
 * One file being processed: its records, read in batches, its error report, its counts and its
 * merchant look-ups. A batch's rejected records join the report once the batch is recorded, so the
 * report lists them in line order and, if the store fails, ends where processing stopped.
 */
public final class DroppedFile {

    static final String DONE = ".done";
    static final String FAILED = ".failed";
    private static final int MERCHANTS_CACHED = 1_000;

    private final Path path;
    private final String name;
    private final ErrorReport report;
    private final long startedNanos = System.nanoTime();
    private final Map<String, Optional<Merchant>> merchants = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Merchant>> eldest) {
            return size() > MERCHANTS_CACHED;
        }
    };
    private final List<Rejection> batchRejected = new ArrayList<>();
    private RecordStream records;
    private FileRecord batchStart;
    private FileRecord batchEnd;
    private FileRecord lastRecorded;
    private long recorded;
    private long rejected;
    private long stoppedAtLine;

    DroppedFile(Path path) {
        this.path = path;
        this.name = path.getFileName().toString();
        Path parent = path.toAbsolutePath().getParent();
        this.report = new ErrorReport(parent.resolve(FAILED), name);
    }

    String name() {
        return name;
    }

    /** The records in batches of up to {@code size}, each read as the split asks for it. */
    Iterator<List<FileRecord>> openBatches(int size, BooleanSupplier keepReading) throws IOException {
        records = RecordStream.open(path).stopWhenNot(keepReading);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public List<FileRecord> next() {
                if (!records.hasNext()) {
                    throw new NoSuchElementException();
                }
                List<FileRecord> batch = new ArrayList<>(size);
                while (batch.size() < size && records.hasNext()) {
                    batch.add(records.next());
                }
                return batch;
            }
        };
    }

    /** The merchant of a merchant_id, looked up once per file. */
    Optional<Merchant> merchant(String merchantId, Function<String, Optional<Merchant>> lookUp) {
        Optional<Merchant> merchant = merchants.get(merchantId);
        if (merchant == null) {
            merchant = lookUp.apply(merchantId);
            merchants.put(merchantId, merchant);
        }
        return merchant;
    }

    /** A batch is being admitted: until it is recorded, processing stands at its first record. */
    void startBatch(List<FileRecord> batch) {
        batchStart = batch.get(0);
        batchEnd = batch.get(batch.size() - 1);
        batchRejected.clear();
    }

    private void endBatch() {
        batchStart = null;
        batchEnd = null;
        batchRejected.clear();
    }

    /** The first record of the batch under way; null between batches. */
    FileRecord batchStart() {
        return batchStart;
    }

    /** The last record of the last batch recorded; null before the first. */
    FileRecord lastRecorded() {
        return lastRecorded;
    }

    /** A record of the batch under way that is not recorded, and why. */
    void reject(FileRecord record, String reason) {
        batchRejected.add(new Rejection(record, reason));
    }

    /** The batch under way was recorded: its count and its rejected records join the file's; how many were rejected. */
    int batchRecorded(int recordedCount) {
        recorded += recordedCount;
        int rejectedCount = batchRejected.size();
        rejected += rejectedCount;
        for (Rejection rejection : batchRejected) {
            report.add(rejection.record().line(), rejection.record().verificationId(), rejection.reason());
        }
        lastRecorded = batchEnd;
        endBatch();
        return rejectedCount;
    }

    /**
     * The report's entry for where processing stopped, outside any batch; the batch under way is given
     * up. Not a rejected record: the counts stay those of the records processed.
     */
    void stoppedAt(long line, String verificationId, String error) {
        endBatch();
        stoppedAtLine = line;
        report.add(line, verificationId, error);
    }

    /** The line processing stopped at; 0 while it has not. */
    long stoppedAtLine() {
        return stoppedAtLine;
    }

    long recordCount() {
        return recorded + rejected;
    }

    long recordedCount() {
        return recorded;
    }

    long rejectedCount() {
        return rejected;
    }

    double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** Closes the file and publishes the report; the folder the file moves to. */
    String close() {
        closeRecords();
        report.publish();
        return report.entries() == 0 ? DONE : FAILED;
    }

    /** Closes the file without a verdict: it stays in the inbox to be read again. */
    void discard() {
        closeRecords();
        report.discard();
    }

    private void closeRecords() {
        try {
            if (records != null) {
                records.close();
            }
        } catch (IOException e) {
            // the file was read to its end or given up; a failed close changes nothing
        }
        merchants.clear();
    }

    Path reportPath() {
        return report.target();
    }

    @Override
    public String toString() {
        return "DroppedFile[" + name + "]";
    }

    private record Rejection(FileRecord record, String reason) {
    }
}
