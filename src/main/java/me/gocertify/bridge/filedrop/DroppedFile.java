package me.gocertify.bridge.filedrop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import me.gocertify.bridge.merchant.Merchant;

/** One file being processed: its records, its error report, its counts and its merchant look-ups. */
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
    private RecordStream records;
    private FileRecord current;
    private long recorded;
    private long rejected;

    DroppedFile(Path path) {
        this.path = path;
        this.name = path.getFileName().toString();
        Path parent = path.toAbsolutePath().getParent();
        this.report = new ErrorReport(parent.resolve(FAILED), name);
    }

    String name() {
        return name;
    }

    RecordStream openRecords(BooleanSupplier keepReading) throws IOException {
        records = RecordStream.open(path).stopWhenNot(keepReading);
        return records;
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

    /** The record now going through the route; the file is read one record at a time. */
    void reading(FileRecord record) {
        current = record;
    }

    FileRecord current() {
        return current;
    }

    void recorded() {
        recorded++;
    }

    void rejected(long line, String verificationId, String error) {
        rejected++;
        report.add(line, verificationId, error);
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
}
