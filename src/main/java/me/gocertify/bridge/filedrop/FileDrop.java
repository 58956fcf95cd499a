package me.gocertify.bridge.filedrop;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import me.gocertify.bridge.merchant.Merchant;
import me.gocertify.bridge.merchant.MerchantRegistry;
import me.gocertify.bridge.store.StoreUnavailable;
import me.gocertify.bridge.verification.Admitted;
import me.gocertify.bridge.verification.Recorded;
import me.gocertify.bridge.verification.VerificationEvent;
import me.gocertify.bridge.verification.VerificationRules;
import me.gocertify.bridge.web.ClientError;
import me.gocertify.bridge.web.TextShapes;

/**
 * The file drop's decisions (contract 6), called step by step from routes/intake-files.camel.yaml:
 * open a file, read it in batches, admit each record's merchant and apply the webhook's rules to it,
 * count outcomes, and say whether the file moves to .done/ or .failed/.
 */
public final class FileDrop {

    public static final String FILE = "droppedFile";
    public static final String FOLDER = "fileDropFolder";

    private static final Logger LOG = LoggerFactory.getLogger(FileDrop.class);

    private final MerchantRegistry merchants;
    private final VerificationRules rules;
    private final FileDropProgress progress;
    private final Clock clock;
    private final long progressEvery;
    private final int batchSize;

    /**
     * @param batchSize records recorded together, in one transaction: a file is read again from its start
     *        after a crash and its recorded records are then duplicates, so committing each one alone
     *        (one durable write per record, from one thread) would only cost time
     */
    public FileDrop(MerchantRegistry merchants, VerificationRules rules, FileDropProgress progress, Clock clock,
            long progressEvery, int batchSize) {
        this.merchants = merchants;
        this.rules = rules;
        this.progress = progress;
        this.clock = clock;
        this.progressEvery = progressEvery;
        if (batchSize < 1) {
            throw new IllegalArgumentException("bridge.inbox.batch-size must be at least 1, not " + batchSize);
        }
        this.batchSize = batchSize;
    }

    public DroppedFile open(@Header(Exchange.FILE_PATH) String path) {
        DroppedFile file = new DroppedFile(Path.of(path));
        progress.started(file.name());
        LOG.info("File drop: reading {}", file.name());
        return file;
    }

    /** The file's records in batches, read lazily as the split asks for each, until the bridge stops. */
    public Iterator<List<FileRecord>> batches(@ExchangeProperty(FILE) DroppedFile file, Exchange exchange) throws IOException {
        return file.openBatches(batchSize, () -> isRunning(exchange));
    }

    /**
     * The batch's records that pass: the merchant must exist and be enabled (there is no signature to
     * check), and the webhook's own rules apply to the fields. The others wait in the file for the
     * batch to be recorded.
     */
    public List<Admitted> admit(@Body List<FileRecord> batch, @ExchangeProperty(FILE) DroppedFile file) {
        file.startBatch(batch);
        List<Admitted> admitted = new ArrayList<>(batch.size());
        for (FileRecord record : batch) {
            try {
                Merchant merchant = merchantOf(record, file);
                admitted.add(new Admitted(verificationOf(record, merchant), merchant));
            } catch (RejectedRecord e) {
                file.reject(record, e.getMessage());
            }
        }
        return admitted;
    }

    private Merchant merchantOf(FileRecord record, DroppedFile file) {
        if (record.unreadable() != null) {
            throw new RejectedRecord(record.unreadable());
        }
        JsonNode id = record.fields().get("merchant_id");
        if (id == null || id.isNull() || id.isTextual() && id.textValue().isEmpty()) {
            throw new RejectedRecord("merchant_id is required");
        }
        String merchantId = id.isTextual() ? id.textValue() : null;
        if (!TextShapes.isMerchantId(merchantId)) {
            throw new RejectedRecord("merchant_id must be 1 to 64 of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        Optional<Merchant> merchant = file.merchant(merchantId, merchants::find);
        if (merchant.isEmpty()) {
            throw new RejectedRecord("unknown merchant " + merchantId);
        }
        if (!merchant.get().enabled()) {
            throw new RejectedRecord("merchant " + merchantId + " is disabled");
        }
        return merchant.get();
    }

    private VerificationEvent verificationOf(FileRecord record, Merchant merchant) {
        try {
            return rules.fromObject(merchant.id(), record.fields(), clock.instant());
        } catch (ClientError e) {
            throw new RejectedRecord(String.valueOf(e.body().get("detail")));
        }
    }

    /** The batch was recorded (each accepted, a duplicate or ignored): counts it and its rejected records. */
    public void recorded(@Body List<Recorded> recorded, @ExchangeProperty(FILE) DroppedFile file) {
        long before = file.recordCount();
        int rejected = file.batchRecorded(recorded.size());
        progress.recorded(recorded.size());
        progress.rejected(rejected);
        logProgress(file, before);
    }

    /** Publishes the report, if any, and names the folder the file moves to. */
    public void finish(@ExchangeProperty(FILE) DroppedFile file, Exchange exchange) {
        if (!isRunning(exchange)) {
            // the records read so far are recorded; the rest are read on the next start, these as duplicates
            file.discard();
            throw new IllegalStateException("the bridge stopped while reading " + file.name());
        }
        String folder = file.close();
        exchange.setProperty(FOLDER, folder);
        progress.finished(folder.equals(DroppedFile.DONE));
        String summary = String.format("%s: %d records, %d recorded, %d rejected%s in %.1f s (%.0f records/s)",
                file.name(), file.recordCount(), file.recordedCount(), file.rejectedCount(),
                file.stoppedAtLine() > 0 ? ", stopped at line " + file.stoppedAtLine() : "", file.seconds(),
                file.recordCount() / Math.max(file.seconds(), 0.001));
        if (folder.equals(DroppedFile.DONE)) {
            LOG.info("File drop: {} -> {}/", summary, folder);
        } else {
            LOG.warn("File drop: {} -> {}/, errors in {}", summary, folder, file.reportPath());
        }
    }

    /**
     * The file could not be finished (the store went away): the report says where it stopped, and
     * the file goes to .failed/; dropping it again records the rest, the rest only once.
     */
    public void abandon(@ExchangeProperty(FILE) DroppedFile file, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause,
            Exchange exchange) {
        if (!isRunning(exchange)) {
            if (file != null) {
                file.discard();
            }
            LOG.warn("File drop: the bridge is stopping; {} stays in the inbox and is read again on the next start",
                    exchange.getMessage().getHeader(Exchange.FILE_NAME));
            return;
        }
        exchange.setProperty(FOLDER, DroppedFile.FAILED);
        if (file == null) {
            LOG.error("File drop: could not open {}", exchange.getMessage().getHeader(Exchange.FILE_NAME), cause);
            progress.finished(false);
            return;
        }
        String why = storeFailure(cause) ? "the store was unavailable" : "an unexpected error stopped it";
        FileRecord at = file.batchStart();
        FileRecord after = file.lastRecorded();
        long line;
        if (at != null) {
            line = at.line();
            file.stoppedAt(line, at.verificationId(), "processing stopped here: " + why
                    + "; the records before it were recorded, drop the file again to finish it");
        } else if (after != null) {
            // between two batches (the last one's hand-off to delivery failed, say): that one is recorded whole
            line = after.line();
            file.stoppedAt(line, after.verificationId(), "processing stopped after this record: " + why
                    + "; the records up to it were recorded, drop the file again to finish it");
        } else {
            line = 1;
            file.stoppedAt(line, null, "processing stopped before the first record: " + why
                    + "; nothing was recorded, drop the file again");
        }
        LOG.error("File drop: {} stopped at line {}: {}", file.name(), line, why, cause);
        finish(file, exchange);
    }

    /**
     * Whether the bridge still runs; while it stops, an unfinished file is left in the inbox. Starting
     * counts as running: the inbox is polled at once, possibly before the last routes have started.
     */
    public boolean isRunning(Exchange exchange) {
        ServiceStatus status = exchange.getContext().getStatus();
        return status.isStarting() || status.isStarted();
    }

    private static boolean storeFailure(Throwable cause) {
        for (Throwable e = cause; e != null; e = e.getCause()) {
            if (e instanceof StoreUnavailable) {
                return true;
            }
        }
        return false;
    }

    private void logProgress(DroppedFile file, long countBefore) {
        long count = file.recordCount();
        if (count / progressEvery > countBefore / progressEvery) {
            LOG.info("File drop: {}: {} records so far, {} rejected ({} records/s)", file.name(), count,
                    file.rejectedCount(), Math.round(count / Math.max(file.seconds(), 0.001)));
        }
    }
}
